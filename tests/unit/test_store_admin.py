"""The admin command line (cnn_core.store.admin) on a database of its own ($CNN_EXPLAINER_DB)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.store import admin, drawings, learners, runs
from cnn_core.store.migrate import open_store
from tests.support.jobs import TINY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh store that the command line opens too (through $CNN_EXPLAINER_DB)."""
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    monkeypatch.setenv("CNN_EXPLAINER_DB", url)
    s = open_store(url)
    yield s
    s.dispose()


def scored_run(db, token: str, accuracy: float) -> jobs.Job:
    job = jobs.Job(jobs.new_job_id(), TINY, TrainingRecipe(epochs=1, train_size=320), owner=jobs.owner_hash(token))
    runs.insert(db, job)
    job.state, job.started, job.finished = jobs.DONE, time.time(), time.time()
    job.test_loss, job.test_accuracy = 0.1, accuracy
    runs.flush(db, job, final=True)
    return job


@pytest.fixture
def room(db):
    """Class 5B: Ada (two runs, two drawings) and Bo (one run)."""
    r = learners.create_class(db, "5B")
    ada, ta = learners.join(db, r.code, "Ada")
    _, tb = learners.join(db, r.code, "Bo")
    scored_run(db, ta, 0.91)
    scored_run(db, ta, 0.93)
    scored_run(db, tb, 0.88)
    for label in (4, 9):
        drawings.submit(db, ada, np.full((28, 28), 0.5, np.float32), label, [])
    return r


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = admin.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_classes_lists_counts_and_state(db, room, capsys):
    other = learners.create_class(db, "Closed one")
    learners.close_class(db, other.id)
    code, out, _ = run(["classes"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "learners", "runs", "drawings", "state", "created"]
    mine = next(line for line in lines if line.startswith(room.code)).split()
    assert mine[1:6] == ["5B", "2", "3", "2", "open"]
    theirs = next(line for line in lines if line.startswith(other.code))
    assert "closed" in theirs and " 0 " in theirs


def test_runs_of_one_class_and_unknown_class(db, room, capsys):
    learners.create_class(db, "Empty")
    code, out, _ = run(["runs", "--class", room.code.lower()], capsys)  # codes are read as typed
    assert code == 0
    body = out.splitlines()[1:]
    assert len(body) == 3 and all(line.startswith(room.code) for line in body)
    assert sorted(line.split()[1] for line in body) == ["Ada", "Ada", "Bo"]
    assert "0.9300" in out
    code, out, err = run(["runs", "--class", "ZZZZZZ"], capsys)
    assert code == 1 and out == "" and "No class has the code 'ZZZZZZ'" in err


def test_export_runs_and_drawings(db, room, tmp_path, capsys):
    csv_path, npz_path = tmp_path / "runs.csv", tmp_path / "drawings.npz"
    assert run(["export-runs", room.code, str(csv_path)], capsys)[0] == 0
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert sorted(float(r["test accuracy"]) for r in rows) == [0.88, 0.91, 0.93]
    code, out, _ = run(["export-drawings", room.code, str(npz_path)], capsys)
    assert code == 0 and "Wrote 2 drawings" in out
    npz = np.load(npz_path)
    assert npz["x"].shape == (2, 28, 28) and npz["x"].dtype == np.uint8 and int(npz["x"][0, 0, 0]) == 128
    assert npz["y"].tolist() == [4, 9] and npz["nickname"].tolist() == ["Ada", "Ada"]
    code, _, err = run(["export-runs", room.code, str(tmp_path / "no" / "such" / "dir.csv")], capsys)
    assert code == 1 and "Could not write" in err


def test_delete_learner_asks_unless_yes(db, room, capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    code, _, err = run(["delete-learner", room.code, "ada"], capsys)
    assert code == 1 and "Nothing was deleted" in err
    assert len(learners.members(db, room.id)) == 2
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out, _ = run(["delete-learner", room.code, "ada"], capsys)  # nicknames match whatever the case
    assert code == 0 and "Deleted Ada of class" in out and "(2 runs, 2 drawings)" in out
    assert [m.nickname for m in learners.members(db, room.id)] == ["Bo"]
    assert len(drawings.of_class(db, room.id)[1]) == 0
    code, out, _ = run(["delete-learner", room.code, "Bo", "--yes"], capsys)
    assert code == 0 and learners.members(db, room.id) == []
    code, _, err = run(["delete-learner", room.code, "Cy", "--yes"], capsys)
    assert code == 1 and "no learner called 'Cy'" in err


def test_close_class(db, room, capsys):
    code, out, _ = run(["close", room.code], capsys)
    assert code == 0 and "Closed class" in out
    with pytest.raises(learners.JoinError, match="closed"):
        learners.join(db, room.code, "Late")
    assert "already closed" in run(["close", room.code], capsys)[1]


def test_control_characters_never_reach_the_terminal(db, capsys):
    learners.create_class(db, "evil\x1b[2J\x1b]0;title\x07name")
    out = run(["classes"], capsys)[1]
    assert "\x1b" not in out and "\x07" not in out and "evil?[2J?]0;title?name" in out


def test_teacher_key_and_bad_arguments_in_a_real_process(db, tmp_path):
    env = {**os.environ, "CNN_EXPLAINER_TEACHER_KEY": "abc-123"}
    done = subprocess.run(
        [sys.executable, "-m", "cnn_core.store.admin", "teacher-key"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == "The teacher key (from $CNN_EXPLAINER_TEACHER_KEY): abc-123"
    bad = subprocess.run(
        [sys.executable, "-m", "cnn_core.store.admin", "export-runs"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "usage:" in bad.stderr


def test_delete_learner_stops_a_training_run_first(db, room, capsys):
    ada = next(m for m in learners.members(db, room.id) if m.nickname == "Ada")
    _, token = learners.join(db, room.code, "Cy")
    job = jobs.Job(jobs.new_job_id(), TINY, TrainingRecipe(epochs=1, train_size=320), owner=jobs.owner_hash(token))
    runs.insert(db, job, worker="elsewhere:1")
    job.state = jobs.RUNNING
    runs.flush(db, job, worker="elsewhere:1")
    code, _, err = run(["delete-learner", room.code, "Cy", "--yes"], capsys)
    assert code == 1 and "asked to stop" in err
    assert len(learners.members(db, room.id)) == 3  # nothing deleted yet
    assert runs.flush(db, job, worker="elsewhere:1") is True  # its trainer sees the request at its next write
    job.state, job.finished = jobs.CANCELLED, time.time()
    runs.flush(db, job, worker="elsewhere:1", final=True)
    code, out, _ = run(["delete-learner", room.code, "Cy", "--yes"], capsys)
    assert code == 0 and "Deleted Cy" in out
    assert [m.id for m in learners.members(db, room.id)][0] == ada.id and len(learners.members(db, room.id)) == 2
