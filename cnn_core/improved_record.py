"""The recorded run of the "improved" preset to 99.5% test accuracy (bench/bench_improved.py writes it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RECORD = Path(__file__).resolve().parent / "assets" / "improved_cnn.json"
TARGET = 0.995


@dataclass(frozen=True)
class ImprovedRecord:
    test_accuracy: tuple[float, ...]  # after each epoch
    seconds: tuple[float, ...]  # training time at the end of each epoch
    precision: str
    date: str
    machine: str  # as bench/report.py describes it, e.g. '2 cores AMD EPYC, 24 GiB, ...'

    @property
    def epochs(self) -> int:
        return len(self.test_accuracy)

    @property
    def reached(self) -> bool:
        return self.test_accuracy[-1] >= TARGET


def load_record(path: Path = RECORD) -> ImprovedRecord | None:
    """The record, or None when it is missing or unreadable (the page then says nothing about it)."""
    try:
        d = json.loads(path.read_text())
        return ImprovedRecord(
            tuple(float(a) for a in d["test_accuracy_per_epoch"]),
            tuple(float(s) for s in d["training_seconds_per_epoch"]),
            str(d["precision"]),
            str(d["date"]),
            str(d["machine"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
