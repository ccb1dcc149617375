"""The "improved" preset on all 60,000 training images: epochs and minutes until 99.5% test accuracy.

python -m bench improved

Trains with the app's recipe (Adam, batch 64, validation split 0.1, seed 0) in the precision `auto`
picks on this machine, scoring the 10,000 test images after every epoch and stopping at the first
epoch that reaches the target. The record (each epoch's test accuracy and training seconds) is kept
as cnn_core/assets/improved_cnn.json, which the Train page's guided experiments show.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.report import Row, machine
from cnn_core.architecture import PRESETS, SEED_RECIPE
from cnn_core.data import N_TRAIN
from cnn_core.improved_record import RECORD, TARGET

MAX_EPOCHS = 20


def run() -> list[Row]:
    from cnn_core.nn.train import train_and_save  # TensorFlow's own thread count, as the training CLI runs

    recipe = SEED_RECIPE.with_(epochs=MAX_EPOCHS, train_size=N_TRAIN)
    with tempfile.TemporaryDirectory() as tmp:
        info = train_and_save(PRESETS["improved"], recipe, Path(tmp) / "improved.keras", until=TARGET)
    accs, seconds = info["test_accuracy_per_epoch"], info["training_seconds_per_epoch"]
    kept = {k: info[k] for k in ("epochs", "seed", "recipe", "architecture", "precision", "precision_reason", "date")}
    kept |= {"test_accuracy_per_epoch": accs, "training_seconds_per_epoch": seconds, "target": TARGET}
    kept["machine"] = machine()
    RECORD.write_text(json.dumps(kept, indent=2) + "\n")
    reached = accs[-1] >= TARGET
    per_epoch = ", ".join(f"{a:.4f}" for a in accs)
    notes = (
        f"{N_TRAIN:,} images (54,000 trained, 6,000 validation), batch 64, Adam, seed 0, {info['precision']} "
        f"({info['precision_reason']}); test accuracy after each epoch: {per_epoch}"
    )
    return [
        Row(
            "improved preset (batch norm, dropout) on all 60,000 images: epochs until 99.5% test accuracy",
            f"reaches {TARGET:.1%} within {MAX_EPOCHS} epochs",
            len(accs),
            "epochs",
            met=reached,
            notes=notes,
        ),
        Row(
            "improved preset: training minutes until 99.5% test accuracy (scoring excluded)",
            "report",
            round(seconds[-1] / 60, 1),
            "min",
            notes=f"{seconds[-1] / len(accs):.0f} s per epoch on average",
        ),
    ]
