"""The training precision in force: cnn_core.precision's choice, confirmed by a timing when the CPU
flags cannot be read (once per process, about two seconds)."""

from __future__ import annotations

import threading
import time

import keras
import numpy as np

from cnn_core.architecture import SEED
from cnn_core.precision import Precision, choose, setting_from_env

FASTER_BY = 1.25  # bfloat16 must beat float32 by this much where it is only measured, not known
_LOCK = threading.Lock()
_RESOLVED: dict[str, Precision] = {}


def _seconds_per_batch(precision: str, x: np.ndarray, y: np.ndarray, batches: int = 12) -> float:
    from cnn_core.nn.model import build_model

    model = build_model(SEED, precision)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.train_on_batch(x, y)  # the first batch builds and traces
    t0 = time.perf_counter()
    for _ in range(batches):
        model.train_on_batch(x, y)
    return (time.perf_counter() - t0) / batches


def measure(batch: int = 64) -> Precision:
    """Time a few training batches of the seed network in both formats and keep the faster one."""
    rng = np.random.default_rng(0)
    x = rng.random((batch, *SEED.input_shape), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 10, batch), 10)
    f32 = _seconds_per_batch("float32", x, y)
    bf16 = _seconds_per_batch("bfloat16", x, y)
    ratio = f32 / bf16
    if ratio >= FASTER_BY:
        return Precision("bfloat16", f"bfloat16 was measured {ratio:.1f}x faster than float32 on this processor.")
    return Precision(
        "float32", f"bfloat16 was measured at {ratio:.2f}x the speed of float32 here, not enough to be worth it."
    )


def resolve(setting: str | None = None) -> Precision:
    """The precision training uses: `setting` ('auto', 'float32', 'bfloat16'; None: the environment)."""
    setting = setting_from_env() if setting is None else setting.strip().lower()
    with _LOCK:
        if setting not in _RESOLVED:
            chosen = choose(setting)
            _RESOLVED[setting] = chosen if chosen.confirmed else measure()
        return _RESOLVED[setting]
