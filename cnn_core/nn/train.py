"""Train an Architecture with a TrainingRecipe on MNIST; also the command that made the shipped model.

    python -m cnn_core.nn.train --preset seed --epochs 3 --out cnn_core/assets/seed_cnn.keras

prints a terminal progress bar, then the final metrics as JSON, and writes the
same JSON beside the model (`.json`).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import keras
import numpy as np

from cnn_core.architecture import PRESETS, SEED_RECIPE, Architecture, TrainingRecipe
from cnn_core.data import load_mnist
from cnn_core.nn.model import as_float32, build_model, compile_model
from cnn_core.nn.precision import resolve as resolve_precision
from cnn_core.precision import SETTINGS
from cnn_core.preprocess import one_hot, to_model_input


@dataclass
class Prepared:
    """Model-ready arrays: x (N, 28, 28, 1) float32 in [0, 1], y one-hot (N, 10)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def prepare(mnist, recipe: TrainingRecipe) -> Prepared:
    """Normalise, add the channel axis, one-hot; keep `recipe.train_size` training images (a seeded random subset)."""
    (xtr, ytr), (xte, yte) = mnist
    if recipe.train_size < len(xtr):
        idx = np.random.default_rng(recipe.seed).choice(len(xtr), recipe.train_size, replace=False)
        xtr, ytr = xtr[np.sort(idx)], ytr[np.sort(idx)]
    return Prepared(to_model_input(xtr), one_hot(ytr), to_model_input(xte), one_hot(yte))


def fit(model: keras.Model, recipe: TrainingRecipe, data: Prepared, callbacks=(), epochs=None):
    """Plain `model.fit` with the recipe's batch size and validation split. Returns the History."""
    return model.fit(
        data.x_train,
        data.y_train,
        batch_size=recipe.batch_size,
        epochs=recipe.epochs if epochs is None else epochs,
        validation_split=recipe.validation_split,
        shuffle=True,
        callbacks=list(callbacks),
        verbose=0,
    )


class TerminalProgress(keras.callbacks.Callback):
    """A one-line terminal progress bar per epoch."""

    def __init__(self, steps: int):
        super().__init__()
        self.steps = steps

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.t0 = epoch + 1, time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if (batch % 20 and batch + 1 != self.steps) or not sys.stderr.isatty():
            return  # the per-batch bar is for terminals; logs get the epoch lines only
        n = int(30 * (batch + 1) / self.steps)
        sys.stderr.write(
            f"\repoch {self.epoch} [{'#' * n}{'.' * (30 - n)}] {batch + 1}/{self.steps}"
            f" loss {logs['loss']:.4f} acc {logs['accuracy']:.4f}"
        )
        sys.stderr.flush()

    def on_epoch_end(self, epoch, logs=None):
        sys.stderr.write(
            f"  val_acc {logs.get('val_accuracy', float('nan')):.4f}  {time.perf_counter() - self.t0:.1f} s\n"
        )


class StopAtTestAccuracy(keras.callbacks.Callback):
    """Stop after the first epoch whose test accuracy reaches `target`; keeps every epoch's test
    accuracy and the training seconds until then (scoring the test images is not counted)."""

    def __init__(self, x, y, target: float):
        super().__init__()
        self.x, self.y, self.target = x, y, target
        self.test_accuracy: list[float] = []
        self.seconds: list[float] = []  # training time at the end of each epoch

    def on_train_begin(self, logs=None):
        self.t0, self.scoring = time.perf_counter(), 0.0

    def on_epoch_end(self, epoch, logs=None):
        t = time.perf_counter()
        self.seconds.append(round(t - self.t0 - self.scoring, 1))
        acc = self.model.evaluate(self.x, self.y, batch_size=1000, verbose=0)[1]
        self.scoring += time.perf_counter() - t
        self.test_accuracy.append(float(acc))
        if acc >= self.target:
            self.model.stop_training = True


def train_and_save(
    arch: Architecture, recipe: TrainingRecipe, out: Path, until: float | None = None, precision: str | None = None
) -> dict:
    """Train from scratch, save to `out` and `out.with_suffix('.json')`; return the metrics written.

    `precision` is 'auto', 'float32' or 'bfloat16' (None: $CNN_EXPLAINER_PRECISION, else auto); the
    saved model and every test figure are float32 whatever it trained in.
    """
    chosen = resolve_precision(precision)
    keras.utils.set_random_seed(recipe.seed)
    data = prepare(load_mnist(), recipe)
    trained = compile_model(build_model(arch, chosen.name), recipe)
    steps = int(np.ceil(len(data.x_train) * (1 - recipe.validation_split) / recipe.batch_size))
    callbacks = [TerminalProgress(steps)]
    stop = StopAtTestAccuracy(data.x_test, data.y_test, until) if until is not None else None
    if stop is not None:
        callbacks.append(stop)
    t0 = time.perf_counter()
    history = fit(trained, recipe, data, callbacks)
    seconds = time.perf_counter() - t0
    model = compile_model(as_float32(trained, arch), recipe)
    test_loss, test_acc = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    h = history.history
    info = {
        "epochs": len(h["loss"]),
        "seed": recipe.seed,
        "recipe": recipe.with_(epochs=len(h["loss"])).to_dict(),
        "architecture": arch.to_dict(),
        "train_loss": h["loss"][-1],
        "train_accuracy": h["accuracy"][-1],
        "val_loss": h["val_loss"][-1],
        "val_accuracy": h["val_accuracy"][-1],
        "test_loss": float(test_loss),
        "test_accuracy": float(test_acc),
        "history": h,
        "training_seconds": round(seconds, 1),
        "precision": chosen.name,
        "precision_reason": chosen.reason,
        "versions": {
            "python": platform.python_version(),
            "keras": keras.__version__,
            "tensorflow": __import__("tensorflow").__version__,
            "numpy": np.__version__,
        },
        "date": date.today().isoformat(),
    }
    if stop is not None:
        info["stopped_by"] = (
            f"first epoch with test accuracy >= {until} (--until-test-accuracy {until}, at most {recipe.epochs})"
        )
        info["test_accuracy_per_epoch"] = stop.test_accuracy
        info["training_seconds_per_epoch"] = stop.seconds
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=sorted(PRESETS), default="seed")
    p.add_argument("--epochs", type=int, default=SEED_RECIPE.epochs, help="most epochs to train")
    p.add_argument("--seed", type=int, default=SEED_RECIPE.seed)
    p.add_argument("--train-size", type=int, default=SEED_RECIPE.train_size)
    p.add_argument(
        "--until-test-accuracy",
        type=float,
        default=None,
        help="stop after the first epoch whose test accuracy reaches this",
    )
    p.add_argument(
        "--precision",
        choices=SETTINGS,
        default=None,
        help="compute format while training (default: $CNN_EXPLAINER_PRECISION, else auto: bfloat16 where the "
        "processor has it); the saved model is float32 either way",
    )
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    recipe = SEED_RECIPE.with_(epochs=a.epochs, seed=a.seed, train_size=a.train_size)
    info = train_and_save(PRESETS[a.preset], recipe, a.out, a.until_test_accuracy, a.precision)
    info.pop("history")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
