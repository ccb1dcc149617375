"""What the shipped seed model does, computed once with TensorFlow and shipped, for pages without TensorFlow.

Two files in cnn_core/assets/, both read here with NumPy and json only:

- seed_cnn.json, the training record `python -m cnn_core.nn.train` wrote beside the model
  (accuracy and loss per epoch, test accuracy).
- seed_facts.npz, built by `python -m cnn_core.nn.seed_facts` from seed_cnn.keras and the
  shipped sample digits (cnn_core/samples.py): the model's probabilities for every sample,
  its answer for every sample moved by up to MAX_SHIFT pixels, and its first layer's weights.
  `model_sha256` ties it to the model file it came from; tests/unit/test_seed_facts.py
  recomputes part of it with Keras.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_core import convolution, pooling
from cnn_core.architecture import SEED, ConvBlock

ASSETS = Path(__file__).parent / "assets"
FACTS_PATH = ASSETS / "seed_facts.npz"
RECORD_PATH = ASSETS / "seed_cnn.json"
MODEL_PATH = ASSETS / "seed_cnn.keras"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class SeedFacts:
    """The shipped model's answers on the sample digits (rows in the order of `indices`).

    indices : (N,) MNIST test-set index of each sample.   probs : (N, 10) softmax output.
    shifts : (S, 2) (dy, dx) moves, pixels down and right.
    shifted_pred : (N, S) the digit the model reads after each move.   shifted_prob : (N, S) its probability.
    conv1_kernel : (K, K, 1, F) first-layer weights.   conv1_bias : (F,) its biases.
    """

    indices: np.ndarray
    probs: np.ndarray
    shifts: np.ndarray
    shifted_pred: np.ndarray
    shifted_prob: np.ndarray
    conv1_kernel: np.ndarray
    conv1_bias: np.ndarray
    model_sha256: str

    def row(self, test_index: int) -> int:
        """Row of MNIST test image `test_index` (KeyError if it is not a sample)."""
        hits = np.flatnonzero(self.indices == test_index)
        if not len(hits):
            raise KeyError(test_index)
        return int(hits[0])

    def shifted(self, test_index: int, dy: int, dx: int) -> tuple[int, float]:
        """(digit read, its probability) for sample `test_index` moved dy down and dx right."""
        hit = np.flatnonzero((self.shifts[:, 0] == dy) & (self.shifts[:, 1] == dx))
        if not len(hit):
            raise KeyError((dy, dx))
        r = self.row(test_index)
        return int(self.shifted_pred[r, hit[0]]), float(self.shifted_prob[r, hit[0]])

    def shift_accuracy(self, labels: np.ndarray) -> np.ndarray:
        """(S,) fraction of the samples read as their label after each move (labels in `indices` order)."""
        return (self.shifted_pred == np.asarray(labels)[:, None]).mean(axis=0)

    @property
    def filters(self) -> int:
        return int(self.conv1_kernel.shape[-1])


def load_facts(path: Path = FACTS_PATH) -> SeedFacts:
    with np.load(path) as z:
        return SeedFacts(
            z["indices"],
            z["probs"],
            z["shifts"],
            z["shifted_pred"],
            z["shifted_prob"],
            z["conv1_kernel"],
            z["conv1_bias"],
            str(z["model_sha256"]),
        )


@dataclass(frozen=True)
class TrainingRecord:
    """The shipped model's training record (seed_cnn.json): one value per epoch, then the test scores."""

    accuracy: tuple[float, ...]
    val_accuracy: tuple[float, ...]
    loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    test_accuracy: float
    test_loss: float
    train_size: int
    validation_split: float
    loss_name: str  # the training objective, e.g. categorical_crossentropy

    @property
    def epochs(self) -> int:
        return len(self.accuracy)

    @property
    def n_validation(self) -> int:
        """Images held out for validation (Keras' validation_split takes the last fraction)."""
        return int(self.train_size * self.validation_split)

    @property
    def n_fit(self) -> int:
        return self.train_size - self.n_validation

    @property
    def best_val_epoch(self) -> int:
        """The epoch (from 1) with the highest validation accuracy."""
        return int(np.argmax(self.val_accuracy)) + 1


def load_record(path: Path = RECORD_PATH) -> TrainingRecord:
    d = json.loads(Path(path).read_text())
    h, r = d["history"], d["recipe"]
    return TrainingRecord(
        tuple(h["accuracy"]),
        tuple(h["val_accuracy"]),
        tuple(h["loss"]),
        tuple(h["val_loss"]),
        float(d["test_accuracy"]),
        float(d["test_loss"]),
        int(r["train_size"]),
        float(r["validation_split"]),
        str(r["loss"]),
    )


@dataclass(frozen=True)
class FirstLayerMap:
    """One first-layer feature map, computed in NumPy from the shipped weights.

    kernel : (K, K) the filter's weights.   response : (OH, OW) activation(correlation + bias).
    pooled : (PH, PW) after the block's pooling, or None when the block has none.
    """

    kernel: np.ndarray
    bias: float
    response: np.ndarray
    pooled: np.ndarray | None


def first_layer_map(
    image: np.ndarray, facts: SeedFacts, index: int, block: ConvBlock = SEED.conv_blocks[0]
) -> FirstLayerMap:
    """Feature map `index` (from 0) of the seed model's first block on a grey picture, as Keras computes it.

    image : (H, W) grey, 0..255 (scaled to 0..1 as the model's input is).
    Only ReLU is implemented, the seed's activation (ValueError otherwise).
    """
    if block.activation != "relu":
        raise ValueError(f"first_layer_map implements ReLU only, not {block.activation}.")
    w = np.asarray(facts.conv1_kernel[:, :, 0, index], dtype=np.float64)
    b = float(facts.conv1_bias[index])
    x = np.asarray(image, dtype=np.float64) / 255.0
    padding = "valid" if block.padding == "valid" else "zero"  # 'zero' pads as Keras' 'same'
    response = np.maximum(convolution.correlate2d(x, w, padding, block.stride) + b, 0.0)
    pooled = None if block.pool == "none" else pooling.pool2d(response, block.pool_size, mode=block.pool)
    return FirstLayerMap(w, b, response, pooled)
