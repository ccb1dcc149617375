"""The class's own test set, in NumPy: how well a model reads the digits the learners drew.

No TensorFlow here: the caller passes the probabilities a model gave (cnn_core.metrics.predict_in_batches).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core import metrics
from cnn_core.data import N_CLASSES


@dataclass
class HandwritingResult:
    """One model's answers on the class's drawings."""

    model: str  # the model's name, in words
    probs: np.ndarray  # (n, 10) probabilities
    labels: np.ndarray  # (n,) the digit each learner meant
    predicted: np.ndarray  # (n,) the model's answer (argmax)
    true_probability: np.ndarray  # (n,) the probability the model gave the meant digit
    accuracy: float  # share of drawings read right
    correct: int  # how many drawings were read right
    confusion: np.ndarray  # (10, 10) counts: row = meant digit, column = the model's answer

    @property
    def n(self) -> int:
        return len(self.labels)


def read_drawings(model: str, probs: np.ndarray, labels: np.ndarray) -> HandwritingResult:
    """Score `probs` (n, 10) against `labels` (n,): accuracy, confusion matrix, probability of the meant digit."""
    probs = np.asarray(probs, dtype=np.float32).reshape(-1, N_CLASSES)
    labels = np.asarray(labels, dtype=np.int64)
    predicted = probs.argmax(axis=1) if len(labels) else np.zeros(0, np.int64)
    correct = int((predicted == labels).sum())
    return HandwritingResult(
        model=model,
        probs=probs,
        labels=labels,
        predicted=predicted,
        true_probability=probs[np.arange(len(labels)), labels],
        accuracy=correct / len(labels) if len(labels) else float("nan"),
        correct=correct,
        confusion=metrics.confusion_matrix(labels, predicted, N_CLASSES),
    )


def worst_read(result: HandwritingResult, n: int = 8) -> np.ndarray:
    """Indices of the drawings whose meant digit got the lowest probability, worst first, shape (<= n,)."""
    return np.argsort(result.true_probability, kind="stable")[:n]
