"""The numbers the Train page's answers (Q32-Q37) quote: a learner's own run, or, until they have one, the
shipped model's training record (cnn_core/assets/seed_cnn.json and the first-layer weights in
seed_facts.npz). NumPy and json only: no TensorFlow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.formulas import batches_per_epoch
from cnn_core.seed_facts import FACTS_PATH, RECORD_PATH, load_facts

HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass(frozen=True)
class RunNumbers:
    """One training run as the answers read it.

    history : one dict per epoch (epoch from 1, loss, accuracy, val_loss, val_accuracy; partial=True for
    an epoch cut short). first_kernels : (k, k, channels, filters) first conv layer after training, or None.
    """

    label: str  # e.g. "Run 3" or "the shipped model"
    shipped: bool
    history: tuple[dict, ...]
    recipe: TrainingRecipe
    n_fit: int  # images the network learned from in each epoch (after the validation split)
    steps_per_epoch: int
    first_kernels: np.ndarray | None
    test_accuracy: float | None
    cancelled: bool = False

    @property
    def filters(self) -> int:
        return 0 if self.first_kernels is None else int(self.first_kernels.shape[-1])

    def kernel(self, index: int) -> np.ndarray:
        """Kernel `index` (from 0) of the first layer, input channel 0: (k, k)."""
        return self.first_kernels[:, :, 0, index]


def of_job(job: jobs.Job) -> RunNumbers:
    """A learner's run (cnn_core.jobs.Job) as the answers read it."""
    return RunNumbers(
        job.label.split(":")[0] or "This run",
        False,
        tuple(job.history),
        job.recipe,
        job.n_train - int(job.n_train * job.recipe.validation_split),  # n_train counts the validation images too
        job.steps_per_epoch,
        job.kernels[-1] if job.kernels else None,
        job.test_accuracy,
        cancelled=job.state == jobs.CANCELLED,
    )


def of_shipped(record: Path = RECORD_PATH, facts: Path = FACTS_PATH) -> RunNumbers:
    """The shipped model: its recorded training (per-epoch numbers, recipe, test accuracy) and its first layer."""
    d = json.loads(Path(record).read_text())
    recipe = TrainingRecipe.from_dict(d["recipe"])
    h = d["history"]
    n_epochs = len(h["loss"])
    history = tuple({"epoch": e + 1, **{k: float(h[k][e]) for k in HISTORY_KEYS if k in h}} for e in range(n_epochs))
    n_fit = recipe.train_size - int(recipe.train_size * recipe.validation_split)
    return RunNumbers(
        "the shipped model",
        True,
        history,
        recipe,
        n_fit,
        batches_per_epoch(recipe.train_size, recipe.batch_size, recipe.validation_split),
        np.asarray(load_facts(facts).conv1_kernel),
        float(d["test_accuracy"]),
    )
