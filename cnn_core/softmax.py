"""Softmax and cross-entropy on one digit's ten raw scores, step by step (NumPy only).

The network's last layer computes ten raw scores z (logits), one per digit. Softmax turns
them into probabilities: p_i = exp(z_i) / sum_j exp(z_j). Written that way it overflows:
exp(z) is larger than the largest float32 once z > `OVERFLOW` (about 88.7). Subtracting the
largest score m from every score first changes nothing in the result, because
exp(z_i - m) / sum_j exp(z_j - m) = (exp(z_i) / exp(m)) / (sum_j exp(z_j) / exp(m)): the
common factor exp(m) cancels. After the shift every exponent is <= 0, so every
exponential lies in (0, 1] and the largest is exactly 1: nothing can overflow, and the sum
is at least 1, so nothing divides by zero either.

Cross-entropy for a true digit k is -log p_k: about 0 when the model gave k nearly all the
probability, and large when it was confidently wrong. Computed from the scores,
-log p_k = log(sum_j exp(z_j - m)) - (z_k - m), which stays exact even when p_k is too
small to store (Keras' `from_logits=True` does the same).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core.metrics import EPSILON

OVERFLOW = float(np.log(np.finfo(np.float32).max))  # exp(z) overflows float32 above this (~88.72)


@dataclass(frozen=True)
class SoftmaxSteps:
    """Every intermediate value of a softmax over C scores (float64, shape (C,) unless said)."""

    scores: np.ndarray  # z: the raw scores (logits)
    top: float  # m = max(z), subtracted from every score
    shifted: np.ndarray  # z - m, all <= 0
    exps: np.ndarray  # exp(z - m), all in (0, 1]
    total: float  # sum of exps, >= 1
    probs: np.ndarray  # exps / total, adds up to 1

    @property
    def digit(self) -> int:
        """The index of the largest score (= the largest probability)."""
        return int(np.argmax(self.scores))


def softmax_steps(scores: np.ndarray) -> SoftmaxSteps:
    """(C,) raw scores -> SoftmaxSteps with the max-subtraction trick."""
    z = np.asarray(scores, dtype=np.float64).reshape(-1)
    m = float(z.max())
    shifted = z - m
    exps = np.exp(shifted)
    total = float(exps.sum())
    return SoftmaxSteps(z, m, shifted, exps, total, exps / total)


def softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Probabilities from raw scores along `axis` (any shape), with the max-subtraction trick."""
    z = np.asarray(scores, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """log p along `axis`, computed as (z - m) - log(sum exp(z - m)): exact even where p underflows to 0."""
    z = np.asarray(scores, dtype=np.float64)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def cross_entropy(scores: np.ndarray, true: int | np.ndarray) -> float | np.ndarray:
    """-log p_true from raw scores: (C,) with an int -> float; (N, C) with (N,) ints -> (N,) losses."""
    lp = log_softmax(scores)
    if lp.ndim == 1:
        return float(-lp[int(true)])
    return -lp[np.arange(len(lp)), np.asarray(true)]


def losses_for_each_label(scores: np.ndarray) -> np.ndarray:
    """(C,) scores -> (C,) losses: entry k is the cross-entropy if the true digit were k."""
    return -log_softmax(np.asarray(scores).reshape(-1))


# Keras' cross-entropy on probabilities (what `model.compile(loss="categorical_crossentropy")` trains
# with) first clips p to at least EPSILON, so there one image costs at most -log(EPSILON), about 16.12.
KERAS_MAX_LOSS = float(-np.log(EPSILON))
