"""The improved preset's recorded run (bench/bench_improved.py) and the sentence the Train page makes of it."""

from __future__ import annotations

import json

from cnn_core.arch_string import to_string
from cnn_core.architecture import PRESETS, Architecture
from cnn_core.data import N_TRAIN
from cnn_core.experiment_results import improved_text
from cnn_core.improved_record import RECORD, TARGET, ImprovedRecord, load_record


def _record(accs, seconds=None) -> ImprovedRecord:
    seconds = seconds or tuple(60.0 * (i + 1) for i in range(len(accs)))
    return ImprovedRecord(tuple(accs), tuple(seconds), "float32", "2026-12-07", "2 cores test CPU")


def test_the_shipped_record_is_of_todays_improved_preset_and_reached_the_target():
    d = json.loads(RECORD.read_text())
    assert to_string(Architecture.from_dict(d["architecture"])) == to_string(PRESETS["improved"])
    assert d["recipe"]["train_size"] == N_TRAIN and d["target"] == TARGET
    rec = load_record()
    assert rec is not None and rec.reached and rec.epochs == d["epochs"] == len(rec.seconds)
    assert all(a < TARGET for a in rec.test_accuracy[:-1])  # it stopped at the first epoch that reached it


def test_a_missing_or_broken_record_is_none(tmp_path):
    assert load_record(tmp_path / "nothing.json") is None
    (tmp_path / "bad.json").write_text('{"test_accuracy_per_epoch": [0.9]}')
    assert load_record(tmp_path / "bad.json") is None


def test_the_sentence_says_the_recorded_numbers():
    text = improved_text(_record([0.99, 0.9941, 0.9953], [100, 200, 330]), "NET", 0.9906)
    assert "reached 99.53% test accuracy after 3 epochs" in text
    assert f"all {N_TRAIN:,} training images: 6 minutes" in text and "float32" in text and "99.06%" in text
    missed = improved_text(_record([0.99, 0.9948]), "NET", 0.9906)
    assert "did not reach 99.5% within 2 epochs (best 99.48%)" in missed
