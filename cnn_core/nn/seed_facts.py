"""Build cnn_core/assets/seed_facts.npz from the shipped model and sample digits (read by cnn_core.seed_facts).

    python -m cnn_core.nn.seed_facts

Run it again whenever seed_cnn.keras or sample_digits.npz changes (a test compares the
model file's SHA-256 with the one stored in the facts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cnn_core import seed_facts as F
from cnn_core.preprocess import to_model_input
from cnn_core.samples import load_samples
from cnn_core.shifting import shift, shift_grid


def probabilities(model, images: np.ndarray, batch: int = 1024) -> np.ndarray:
    """(N, 28, 28) uint8 -> (N, 10) softmax output, called directly in batches (no predict())."""
    out = [
        np.asarray(model(to_model_input(images[i : i + batch]), training=False)) for i in range(0, len(images), batch)
    ]
    return np.concatenate(out).astype(np.float32)


def shifted_images(images: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(N, H, W) and (S, 2) -> (N * S, H, W): every image moved by every shift (image-major order)."""
    return np.stack([shift(img, dy, dx) for img in images for dy, dx in shifts])


def build(model_path: Path = F.MODEL_PATH, out: Path = F.FACTS_PATH) -> F.SeedFacts:
    from cnn_core.nn.model import load_model

    model = load_model(model_path)
    s = load_samples()
    shifts = shift_grid()
    p = probabilities(model, shifted_images(s.images, shifts)).reshape(len(s.images), len(shifts), -1)
    kernel, bias = model.get_layer("conv1").get_weights()
    np.savez_compressed(
        out,
        indices=s.indices,
        probs=probabilities(model, s.images),
        shifts=shifts.astype(np.int8),
        shifted_pred=p.argmax(-1).astype(np.uint8),
        shifted_prob=p.max(-1).astype(np.float32),
        conv1_kernel=kernel.astype(np.float32),
        conv1_bias=bias.astype(np.float32),
        model_sha256=np.array(F.file_sha256(model_path)),
    )
    return F.load_facts(out)


if __name__ == "__main__":
    f = build()
    print(f"{F.FACTS_PATH}: {len(f.indices)} samples x {len(f.shifts)} shifts, {F.FACTS_PATH.stat().st_size:,} bytes")
