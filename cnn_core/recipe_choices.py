"""What the Train page offers for each recipe setting: the one definition its widgets and its lesson
links (cnn_core.lesson_links) share. The defaults are the seed recipe's (`SEED_RECIPE`), always among them."""

from __future__ import annotations

from cnn_core.architecture import SEED_RECIPE
from cnn_core.data import N_TRAIN

LEARNING_RATES = (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 10.0, 100.0)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024)
TRAIN_SIZES = (2000, 10000, N_TRAIN)
TRAIN_SIZE_DEFAULT = 10000  # a quick classroom default; the whole set is one click away
EPOCHS = (1, 20)  # the epochs slider's minimum and maximum
VALIDATION = (0.05, 0.5, 0.05)  # the validation split slider's minimum, maximum and step
SEEDS = (0, 2**31 - 1)


def _with_default(options: tuple[float, ...], name: str) -> tuple[float, ...]:
    """The choices for constant `name`, always including the recipe's (Keras') default."""
    return tuple(sorted({*options, getattr(SEED_RECIPE, name)}))


# Each optimizer constant's choices (what each one does is said on the Train page).
CONSTANT_CHOICES = {
    "momentum": _with_default((0.0, 0.5, 0.8, 0.9, 0.95, 0.99), "momentum"),
    "rho": _with_default((0.5, 0.8, 0.9, 0.95, 0.99, 0.999), "rho"),
    "beta_1": _with_default((0.0, 0.5, 0.8, 0.9, 0.95, 0.99), "beta_1"),
    "beta_2": _with_default((0.9, 0.99, 0.995, 0.999, 0.9999), "beta_2"),
    "epsilon": _with_default((1e-10, 1e-8, 1e-7, 1e-6, 1e-4, 1e-2, 1.0), "epsilon"),
}
