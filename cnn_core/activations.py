"""The activations a learner can choose for a layer, in NumPy, with what each keeps, in words.

The same functions as `keras.activations` (checked in tests/unit/test_activations.py); ELU with
Keras' default alpha = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core.architecture import Architecture

ELU_ALPHA = 1.0  # keras.activations.elu's default, the one a Conv2D(activation="elu") uses


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def elu(x: np.ndarray, alpha: float = ELU_ALPHA) -> np.ndarray:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def linear(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


FUNCTIONS = {"relu": relu, "tanh": tanh, "sigmoid": sigmoid, "elu": elu, "linear": linear}


def activate(name: str, x: np.ndarray) -> np.ndarray:
    """Activation `name` (one of ACTIVATIONS) applied elementwise to x (any shape)."""
    return FUNCTIONS[name](np.asarray(x, dtype=float))


@dataclass(frozen=True)
class Meaning:
    """What an activation does to a layer's sums, in words: what it keeps and what comes out."""

    keeps: str
    output: str


MEANINGS = {
    "relu": Meaning(
        "keeps a positive sum as it is and turns every negative sum into 0", "0 or more, with no upper limit"
    ),
    "tanh": Meaning(
        "squeezes every sum into an S-curve: small sums pass almost unchanged, big ones flatten out",
        "between -1 and 1, keeping the sign",
    ),
    "sigmoid": Meaning(
        "squeezes every sum into an S-curve centred on 0.5: negative sums go towards 0, positive ones towards 1",
        "between 0 and 1, never negative",
    ),
    "elu": Meaning(
        "keeps a positive sum as it is, like ReLU, but bends a negative sum smoothly towards -1 instead of "
        "cutting it to 0",
        f"above -{ELU_ALPHA:g}, with no upper limit",
    ),
    "linear": Meaning(
        "keeps every sum as it is: no bend at all, so stacked layers add up to one linear map",
        "any number",
    ),
}


def curve(name: str, lo: float = -4.0, hi: float = 4.0, n: int = 161) -> tuple[np.ndarray, np.ndarray]:
    """xs (n,) evenly from lo to hi and the activation's values there (n,), for a plot."""
    xs = np.linspace(lo, hi, n)
    return xs, activate(name, xs)


def layers_by_activation(arch: Architecture) -> dict[str, list[str]]:
    """Every offered activation and the hidden layers that use it, by their layer-table names (conv1, dense2...)."""
    used: dict[str, list[str]] = {name: [] for name in FUNCTIONS}
    for i, b in enumerate(arch.conv_blocks, start=1):
        used[b.activation].append(f"conv{i}")
    for j, d in enumerate(arch.dense_layers, start=1):
        used[d.activation].append(f"dense{j}")
    return used
