"""A small shipped set of MNIST test digits, so pages work before the full dataset is fetched.

`cnn_core/assets/sample_digits.npz` holds the first 100 test images plus test
image 7349 (the article's example), with their labels and test-set indices.
Rebuild it with `python -m cnn_core.samples` (needs the full dataset).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PATH = Path(__file__).parent / "assets" / "sample_digits.npz"
EXTRA_INDICES = (7349,)


@dataclass(frozen=True)
class Samples:
    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) uint8
    indices: np.ndarray  # (N,) int: index of each image in the MNIST test set

    def by_test_index(self, i: int) -> tuple[np.ndarray, int]:
        """The image and label of MNIST test image `i`, if it is among the samples (KeyError otherwise)."""
        hits = np.flatnonzero(self.indices == i)
        if not len(hits):
            raise KeyError(i)
        return self.images[hits[0]], int(self.labels[hits[0]])


def load_samples(path: Path = PATH) -> Samples:
    with np.load(path) as z:
        return Samples(z["images"], z["labels"], z["indices"])


def build_samples(path: Path = PATH) -> Samples:
    from cnn_core.data import load_mnist

    _, (x, y) = load_mnist()
    idx = np.array(sorted(set(range(100)) | set(EXTRA_INDICES)))
    np.savez_compressed(path, images=x[idx], labels=y[idx], indices=idx)
    return load_samples(path)


if __name__ == "__main__":
    s = build_samples()
    print(f"{PATH}: {len(s.images)} digits, labels {np.bincount(s.labels, minlength=10).tolist()}")
