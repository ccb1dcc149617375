"""How good is a classifier, in NumPy: accuracy, loss, classification report, confusion matrix, mistakes.

No TensorFlow import: `predict_in_batches` only calls the model it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-7  # Keras clips probabilities to [eps, 1 - eps] before the log


def predict_in_batches(model, x: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Class probabilities for every image, calling `model(x, training=False)` a batch at a time.

    Parameters
    ----------
    model : a Keras model (any callable taking (B, 28, 28, 1) float32).
    x : (N, 28, 28, 1) float32; (N, 28, 28) is reshaped to the model's `input_shape` when it has one.

    Returns
    -------
    (N, num_classes) float32 probabilities.
    """
    x = np.asarray(x, dtype=np.float32)
    shape = getattr(model, "input_shape", None)
    if shape is not None:
        x = x.reshape((-1, *shape[1:]))
    out = [np.asarray(model(x[i : i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    return np.concatenate(out).astype(np.float32)


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows of probs (N, C) whose argmax equals labels (N,)."""
    return float(np.mean(probs.argmax(axis=1) == labels))


def log_loss(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean categorical cross-entropy of probs (N, C) for integer labels (N,), clipped as Keras does."""
    p = np.clip(probs[np.arange(len(labels)), labels].astype(np.float64), EPSILON, 1 - EPSILON)
    return float(-np.mean(np.log(p)))


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """(C, C) int counts: row = true class, column = predicted class; sums to N."""
    return np.bincount(labels * num_classes + predicted, minlength=num_classes**2).reshape(num_classes, num_classes)


def row_normalise(cm: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (rows with no examples stay 0): the share of each true class."""
    sums = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, sums, out=np.zeros(cm.shape, dtype=float), where=sums > 0)


@dataclass
class Report:
    """Per-class precision, recall, F1, support (each (C,)), plus macro and weighted averages."""

    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    accuracy: float

    def average(self, kind: str) -> dict[str, float]:
        """'macro' (every class counts the same) or 'weighted' (by support)."""
        w = np.ones_like(self.precision) if kind == "macro" else self.support.astype(float)
        w = w / w.sum()
        return {
            "precision": float(w @ self.precision),
            "recall": float(w @ self.recall),
            "f1": float(w @ self.f1),
            "support": int(self.support.sum()),
        }

    def rows(self) -> list[dict]:
        """Table rows: one per class, then 'macro avg' and 'weighted avg' (like scikit-learn's report)."""
        out = [
            {"class": str(c), "precision": p, "recall": r, "f1": f, "support": int(s)}
            for c, (p, r, f, s) in enumerate(zip(self.precision, self.recall, self.f1, self.support, strict=True))
        ]
        for kind in ("macro", "weighted"):
            out.append({"class": f"{kind} avg", **self.average(kind)})
        return out


def classification_report(labels: np.ndarray, predicted: np.ndarray, num_classes: int = 10) -> Report:
    """Precision = right / predicted-as-c; recall = right / truly-c; F1 their harmonic mean (0 when undefined)."""
    cm = confusion_matrix(labels, predicted, num_classes)
    tp = np.diag(cm).astype(float)
    predicted_as = cm.sum(axis=0)
    support = cm.sum(axis=1)
    precision = np.divide(tp, predicted_as, out=np.zeros_like(tp), where=predicted_as > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return Report(precision, recall, f1, support, float(tp.sum() / max(1, cm.sum())))


def cell_indices(labels: np.ndarray, predicted: np.ndarray, true_class: int, predicted_class: int) -> np.ndarray:
    """Indices of the examples in one confusion-matrix cell, shape (n,)."""
    return np.flatnonzero((labels == true_class) & (predicted == predicted_class))


def most_confident_mistakes(probs: np.ndarray, labels: np.ndarray, n: int = 12) -> np.ndarray:
    """Indices of the wrong predictions with the highest predicted probability, most confident first, (<= n,)."""
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    conf = probs[wrong, predicted[wrong]]
    return wrong[np.argsort(-conf, kind="stable")[:n]]


def largest_confusion(cm: np.ndarray) -> tuple[int, int]:
    """(true, predicted) of the largest off-diagonal cell: the model's most common mix-up."""
    off = cm.copy()
    np.fill_diagonal(off, -1)
    t, p = np.unravel_index(int(off.argmax()), off.shape)
    return int(t), int(p)
