"""The data steps of the article, in NumPy: reshape, normalise, one-hot (no TensorFlow)."""

from __future__ import annotations

import numpy as np


def add_channel(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28) or (28, 28) -> (..., 28, 28, 1): the depth axis a grey image has."""
    return x[..., np.newaxis]


def normalise(x: np.ndarray) -> np.ndarray:
    """uint8 pixels 0-255 -> float32 in [0, 1]; the shape does not change."""
    return np.asarray(x, dtype=np.float32) / 255.0


def one_hot(labels: np.ndarray | int, num_classes: int = 10) -> np.ndarray:
    """Labels (N,) -> (N, num_classes) float32 with a single 1 per row (like keras.utils.to_categorical)."""
    labels = np.asarray(labels, dtype=np.int64)
    return np.eye(num_classes, dtype=np.float32)[labels]


def to_model_input(x: np.ndarray) -> np.ndarray:
    """uint8 images (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1], the network's input."""
    return add_channel(normalise(x))
