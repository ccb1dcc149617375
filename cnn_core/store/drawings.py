"""Drawings learners submit with the digit they meant: the class's own test set.

Each keeps the 28x28 input the network saw (uint8, 0 = background) and every prediction made on it.
"""

from __future__ import annotations

import io
import time

import numpy as np
from sqlalchemy import select

from cnn_core.data import N_CLASSES, SIDE
from cnn_core.store.db import Store
from cnn_core.store.tables import Drawing, Learner

NO_LABEL = (
    "Pick the digit you meant before sending the drawing: without it the class test set cannot "
    "say whether the network read it right."
)


class DrawingError(ValueError):
    """A drawing that cannot be kept; str(e) says why."""


def check_label(label) -> int:
    if label is None or isinstance(label, bool) or not isinstance(label, int | np.integer):
        raise DrawingError(NO_LABEL)
    if not 0 <= int(label) < N_CLASSES:
        raise DrawingError(f"The digit must be between 0 and {N_CLASSES - 1}.")
    return int(label)


def to_bytes(x: np.ndarray) -> bytes:
    """A (28, 28) image in [0, 1] as 784 bytes."""
    x = np.asarray(x, dtype=np.float32).reshape(SIDE, SIDE)
    return np.clip(np.rint(x * 255), 0, 255).astype(np.uint8).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """784 bytes back to a (28, 28) float32 image in [0, 1]."""
    return np.frombuffer(data, dtype=np.uint8).reshape(SIDE, SIDE).astype(np.float32) / 255.0


def submit(store: Store, learner: Learner, x: np.ndarray, label, predictions: list[dict]) -> int:
    """Keep a drawing (`x`: the (28, 28) model input in [0, 1]) with its label; returns its id.

    `predictions`: [{"model": label of the model, "digit": int, "probability": float}, ...].
    Raises DrawingError without a label (0-9).
    """
    label = check_label(label)
    with store.lock, store.session("keep your drawing") as s:
        d = Drawing(
            learner_id=learner.id,
            class_id=learner.class_id,
            label=label,
            pixels=to_bytes(x),
            predictions=list(predictions),
            created=time.time(),
        )
        s.add(d)
        s.flush()
        return d.id


def of_class(store: Store, class_id: int) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Every drawing of a class: images (n, 28, 28) float32, labels (n,) int, and per drawing
    {"id", "nickname", "label", "predictions", "created"} (oldest first)."""
    return _select(store, Drawing.class_id == class_id)


def of_learner(store: Store, learner_id: int) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    return _select(store, Drawing.learner_id == learner_id)


def _select(store: Store, where) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    with store.session("read the drawings") as s:
        rows = s.execute(
            select(Drawing, Learner.nickname)
            .join(Learner, Learner.id == Drawing.learner_id)
            .where(where)
            .order_by(Drawing.created)
        ).all()
    images = np.stack([from_bytes(d.pixels) for d, _ in rows]) if rows else np.zeros((0, SIDE, SIDE), np.float32)
    labels = np.array([d.label for d, _ in rows], dtype=np.int64)
    meta = [
        {
            "id": d.id,
            "nickname": nick or "(alone)",
            "label": d.label,
            "predictions": d.predictions,
            "created": d.created,
        }
        for d, nick in rows
    ]
    return images, labels, meta


def export_npz(images: np.ndarray, labels: np.ndarray, meta: list[dict]) -> bytes:
    """The drawings as a NumPy .npz: x (n, 28, 28) uint8 like MNIST, y (n,), nickname (n,), id (n,)."""
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        x=np.clip(np.rint(images * 255), 0, 255).astype(np.uint8),
        y=labels,
        nickname=np.array([m["nickname"] for m in meta], dtype=str),
        id=np.array([m["id"] for m in meta], dtype=np.int64),
    )
    return buf.getvalue()
