"""AppTest of the Teacher page: the key guard, a new class with its link and QR code, the live tables
and leaderboard from a seeded class, cancelling a run that just finished, exports, escaping."""

from __future__ import annotations

import io
import re
import time

import numpy as np
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.store import drawings, learners, runs, settings_table
from cnn_core.store.migrate import open_store
from tests.conftest import TEACHER_KEY
from tests.support.jobs import TINY
from ui.teacher import guard, inputs, live

PAGE = "../../app_pages/teacher.py"


@pytest.fixture(scope="module")
def db():
    s = open_store()  # the tests' own database ($CNN_EXPLAINER_DB, set in tests/conftest.py)
    yield s
    s.dispose()


def finished_run(db, token: str, accuracy: float, lr: float = 0.001, epochs: int = 2) -> jobs.Job:
    """A finished, scored run with a per-epoch history, written as a trainer would write it."""
    recipe = TrainingRecipe(epochs=epochs, batch_size=32, train_size=320, learning_rate=lr)
    job = jobs.Job(jobs.new_job_id(), TINY, recipe, owner=jobs.owner_hash(token))
    runs.insert(db, job)
    job.state, job.steps_per_epoch, job.n_train = jobs.RUNNING, 10, 320
    job.started = time.time()
    job.add_event("start")
    for e in range(1, epochs + 1):
        logs = {"loss": 1 / e, "accuracy": accuracy - 0.1 / e, "val_loss": 1.1 / e, "val_accuracy": accuracy - 0.05 / e}
        job.history.append({"epoch": e, **logs})
        job.add_event("epoch", epoch=e, batch=10, logs=logs)
    job.state, job.finished = jobs.DONE, time.time()
    job.test_loss, job.test_accuracy = 0.1, accuracy
    job.weights = b"not a real model"
    runs.flush(db, job, final=True)
    return job


def running_run(db, token: str) -> jobs.Job:
    """A run this test says is training (another process, as far as the page knows)."""
    job = jobs.Job(
        jobs.new_job_id(), TINY, TrainingRecipe(epochs=1, batch_size=32, train_size=320), owner=jobs.owner_hash(token)
    )
    runs.insert(db, job, worker="elsewhere:1")
    job.state, job.steps_per_epoch, job.started = jobs.RUNNING, 10, time.time()
    job.add_event("start")
    job.add_event("batch", epoch=1, batch=4, logs={"loss": 1.0, "accuracy": 0.5})
    runs.flush(db, job, worker="elsewhere:1")
    return job


def page(room=None) -> AppTest:
    """The page opened with the key already typed in this session (and `room` chosen)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[guard.UNLOCKED] = True
    if room is not None:
        at.session_state[inputs.CLASS] = room.id
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    kinds = ("markdown", "caption", "success", "info", "warning", "error", "title", "code")
    return "\n".join(str(e.value) for k in kinds for e in getattr(at, k))


def frame_with(at, column: str, first: str | None = None):
    for d in at.dataframe:
        cols = list(d.value.columns)
        if column in cols and (first is None or cols[0] == first):
            return d.value
    raise AssertionError(f"no table with column {column!r}")


def test_wrong_key_is_refused_without_hints(db):
    learners.create_class(db, "A class that exists")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert "printed in that server's terminal" in texts(at)  # says where the key is...
    assert TEACHER_KEY not in texts(at)  # ...never what it is
    at.text_input[0].input("not-the-key")
    t0 = time.perf_counter()
    at.button[0].click().run()
    assert time.perf_counter() - t0 >= guard.WRONG_KEY_WAIT
    assert [e.value for e in at.error] == ["That is not the teacher key of this server."]
    assert not at.selectbox and not at.dataframe and "exists" not in texts(at)
    assert at.text_input[0].value == ""  # the form forgets what was typed


def test_right_key_then_new_class_shows_code_link_and_qr(db):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.text_input[0].input(TEACHER_KEY)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.session_state[guard.UNLOCKED]
    assert TEACHER_KEY not in texts(at)
    name_box = next(t for t in at.text_input if t.label.startswith("Class name"))
    name_box.input("Maths **5B** <img src=x onerror=alert(1)> [x](http://e.vil)")
    next(b for b in at.button if b.label == "Create the class").click().run()
    assert not at.exception
    room = learners.classes(db)[0]
    assert room.name.startswith("Maths **5B**")
    assert room.code in [t.value for t in at.title]
    link = f"http://localhost:8501/?class={room.code}"
    assert link in [c.value for c in at.code]
    qr = at.get("image")[0]
    assert qr.value and "QR code of the join link" in qr.captions[0]
    md = texts(at)
    assert not re.search(r"(?<!\\)<img", md) and "**5B**" not in md  # the class name is shown escaped...
    assert r"Maths \*\*5B\*\* \<img src\=x onerror\=alert\(1\)\>" in md  # ...character for character
    assert "Lock this page" in [b.label for b in at.button]
    next(b for b in at.button if b.label == "Lock this page").click().run()
    assert [t.label for t in at.text_input] == ["Teacher key"] and not at.selectbox and not at.code


def test_html_nickname_cannot_join(db):
    room = learners.create_class(db, "Class 7")
    for nick in ("<img src=x>", "<b>Ada</b>", "[x](http://e)"):
        with pytest.raises(learners.JoinError, match="letters, digits"):
            learners.join(db, room.code, nick)
    with pytest.raises(learners.JoinError, match="20 or fewer"):
        learners.join(db, room.code, "<img src=x onerror=alert(1)>")
    assert learners.members(db, room.id) == []


@pytest.fixture(scope="module")
def seeded(db):
    """A class of three learners: scored runs (two tie on accuracy), a running run, four drawings."""
    room = learners.create_class(db, "Seeded class")
    (ada, ta), (bo, tb), (cy, tc) = (learners.join(db, room.code, n) for n in ("Ada", "Bo", "Cy"))
    best = finished_run(db, ta, 0.95, lr=0.01)
    tie = finished_run(db, tb, 0.95, lr=0.001, epochs=3)  # same accuracy, same network: older wins
    low = finished_run(db, tc, 0.80)
    live = running_run(db, ta)
    rng = np.random.default_rng(0)
    for who, label in ((ada, 3), (ada, 7), (bo, 1), (cy, 0)):
        pred = [{"model": "shipped", "digit": label if label != 7 else 1, "probability": 0.9}]
        drawings.submit(db, who, rng.random((28, 28)).astype(np.float32), label, pred)
    return room, {"best": best, "tie": tie, "low": low, "live": live}


def test_seeded_class_tables_and_leaderboard(db, seeded):
    room, r = seeded
    at = page(room)
    people = frame_with(at, "drawings")
    assert dict(zip(people["nickname"], people["runs"], strict=True)) == {"Ada": 2, "Bo": 1, "Cy": 1}
    assert dict(zip(people["nickname"], people["drawings"], strict=True)) == {"Ada": 2, "Bo": 1, "Cy": 1}
    runs_table = frame_with(at, "progress", first="nickname")
    assert len(runs_table) == 4
    live = runs_table[runs_table["state"] == "running"].iloc[0]
    assert live["nickname"] == "Ada" and live["progress"] == pytest.approx(0.4)  # 4 of 10 batches
    board = frame_with(at, "rank")
    assert list(board["nickname"]) == ["Ada", "Bo", "Cy"]  # 0.95 (older), 0.95, 0.80
    assert list(board["learning rate"]) == [0.01, 0.001, 0.001]  # the settings behind each score
    assert list(board["test accuracy"]) == [0.95, 0.95, 0.80]
    queue = frame_with(at, "class")
    mine = queue[queue["class"] == room.code]
    assert list(zip(mine["nickname"], mine["run"], mine["state"], strict=True)) == [
        ("Ada", r["live"].number, "running")
    ]
    grid = at.get("image")[1]
    assert len(grid.value) == 4
    assert grid.captions[0] == "Cy: meant 0, read 0" and "Ada: meant 7, read 1" in grid.captions
    assert any(t.label.startswith("Show the leaderboard") and t.value for t in at.toggle)


def test_leaderboard_toggle_is_kept(db, seeded):
    room, _ = seeded
    at = page(room)
    next(t for t in at.toggle if t.label.startswith("Show the leaderboard")).set_value(False).run()
    assert not at.exception
    assert next(c for c in learners.classes(db) if c.id == room.id).show_leaderboard is False
    next(t for t in at.toggle if t.label.startswith("Show the leaderboard")).set_value(True).run()
    assert next(c for c in learners.classes(db) if c.id == room.id).show_leaderboard is True


def test_cancel_of_a_run_that_just_finished_says_so(db):
    room = learners.create_class(db, "Cancel class")
    _, token = learners.join(db, room.code, "Dee")
    job = running_run(db, token)
    at = page(room)
    box = at.selectbox(key=live.CANCEL_PICK)
    assert f"{room.code} · Dee, run 1 (running)" in box.options
    box.set_value(job.id).run()
    job.state, job.finished = jobs.DONE, time.time()  # it finishes before the teacher clicks
    runs.flush(db, job, worker="elsewhere:1", final=True)
    at.run()  # the page refreshes: the run left the queue, the choice is still named
    assert at.selectbox(key=live.CANCEL_PICK).value == job.id
    next(b for b in at.button if b.label == "Cancel it").click().run()
    assert not at.exception
    assert "it had already finished (done)" in texts(at)
    assert runs.load(db, job.id).state == jobs.DONE


def test_cancel_of_a_running_run_asks_it_to_stop(db):
    room = learners.create_class(db, "Cancel class 2")
    _, token = learners.join(db, room.code, "Eve")
    job = running_run(db, token)
    at = page(room)
    at.selectbox(key=live.CANCEL_PICK).set_value(job.id).run()
    next(b for b in at.button if b.label == "Cancel it").click().run()
    assert "Asked to stop: the run was running" in texts(at)
    assert runs.flush(db, job, worker="elsewhere:1") is True  # its trainer reads the request at its next write


@pytest.fixture
def downloads(monkeypatch):
    """The page's deferred downloads: {file name: the function Streamlit calls when it is pressed}."""
    got = {}
    original = MediaFileManager.add_deferred

    def spy(self, data, mimetype, coordinates, file_name=None, **kw):
        got[file_name] = data
        return original(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return got


def test_csv_and_npz_downloads(db, seeded, downloads):
    room, r = seeded
    at = page(room)
    labels = [b.label for b in at.download_button]
    assert labels == ["Runs as CSV (4)", "Drawings as .npz (4)"]
    csv = downloads[f"class-{room.code}-runs.csv"]().decode()
    assert csv.splitlines()[0].startswith("nickname,run,state,progress,test accuracy")
    assert r["best"].id in csv and r["low"].id in csv and len(csv.splitlines()) == 5
    npz = np.load(io.BytesIO(downloads[f"class-{room.code}-drawings.npz"]()))
    assert npz["x"].shape == (4, 28, 28) and npz["x"].dtype == np.uint8
    assert sorted(npz["y"].tolist()) == [0, 1, 3, 7] and sorted(npz["nickname"].tolist()) == ["Ada", "Ada", "Bo", "Cy"]


def test_delete_one_learner_and_close_the_class(db):
    room = learners.create_class(db, "Short-lived class")
    _, tf = learners.join(db, room.code, "Fay")
    gus, tg = learners.join(db, room.code, "Gus")
    finished_run(db, tf, 0.9)
    finished_run(db, tg, 0.9)
    training = running_run(db, tg)
    at = page(room)
    exp = [e for e in at.expander if e.label == "Delete one learner's data"][0]
    exp.selectbox[0].set_value(gus.id).run()
    delete = next(b for b in at.button if b.label == "Delete the learner's data")
    assert delete.disabled  # not before the confirmation is ticked
    next(c for c in at.checkbox if c.label.startswith("Yes, delete")).check().run()
    next(b for b in at.button if b.label == "Delete the learner's data").click().run()
    assert "Gus has a run queued or training: it was asked to stop." in texts(at)  # a training run stops first
    assert len(learners.members(db, room.id)) == 2
    assert runs.flush(db, training, worker="elsewhere:1") is True
    training.state, training.finished = jobs.CANCELLED, time.time()
    runs.flush(db, training, worker="elsewhere:1", final=True)
    next(b for b in at.button if b.label == "Delete the learner's data").click().run()
    assert not at.exception
    assert "Deleted Gus with all their runs and drawings." in texts(at)
    assert [m.nickname for m in learners.members(db, room.id)] == ["Fay"]
    assert [j.number for j in runs.of_learner(db, jobs.owner_hash(tg))] == []
    next(c for c in at.checkbox if c.label.startswith(f"Yes, close class {room.code}")).check().run()
    next(b for b in at.button if b.label == "Close the class").click().run()
    assert f"Class {room.code} is closed." in texts(at)
    assert learners.find_class(db, room.code).closed is not None
    with pytest.raises(learners.JoinError, match="closed"):
        learners.join(db, room.code, "Hal")


def test_runs_at_once_is_kept_in_the_store(db, seeded):
    room, _ = seeded
    at = page(room)
    box = at.number_input(key=live.MAX_JOBS_BOX)
    before = box.value
    box.set_value(before + 1).run()
    assert not at.exception
    assert settings_table.get(db, settings_table.MAX_JOBS) == before + 1
    at.number_input(key=live.MAX_JOBS_BOX).set_value(before).run()
    assert settings_table.get(db, settings_table.MAX_JOBS) == before


def _learner_board(class_id):
    from ui.teacher.leaderboard import learner_leaderboard

    learner_leaderboard(class_id)


def test_learner_leaderboard_follows_the_teachers_switch(db, seeded):
    room, r = seeded
    at = AppTest.from_function(_learner_board, args=(room.id,), default_timeout=30)
    at.run()
    board = frame_with(at, "rank")
    assert list(board["nickname"]) == ["Ada", "Bo", "Cy"] and list(board["rank"]) == [1, 2, 3]
    learners.set_leaderboard(db, room.id, False)
    try:
        at.run()
        assert not at.dataframe and not at.subheader
    finally:
        learners.set_leaderboard(db, room.id, True)
    at = AppTest.from_function(_learner_board, args=(None,), default_timeout=30)
    at.run()
    assert not at.exception and not at.dataframe


def test_measure_the_class_handwriting(db, mnist, shipped_model):
    from cnn_core.architecture import SEED
    from cnn_core.metrics import predict_in_batches
    from tests.support.runs import stored_run

    room = learners.create_class(db, "Handwriting class")
    ada, token = learners.join(db, room.code, "Ada")
    _, (x_test, y_test) = mnist
    x, labels = x_test[:12] / 255.0, y_test[:12].copy()
    labels[5] = (labels[5] + 1) % 10  # one drawing labelled with a digit it does not show
    for img, label in zip(x, labels, strict=True):
        drawings.submit(db, ada, img, int(label), [])
    probs = predict_in_batches(shipped_model, x[..., None])
    right = int((probs.argmax(1) == labels).sum())
    run = stored_run(db, token, SEED, shipped_model)  # a class run with the shipped model's weights
    at = page(room)
    grid = at.get("image")[1]
    assert len(grid.value) == 12 and grid.captions[-1] == f"Ada: meant {labels[0]}, not read"
    next(m for m in at.multiselect if m.label.startswith("Also measure")).set_value([run.id]).run()
    next(b for b in at.button if b.label == "Measure on our drawings").click().run()
    assert not at.exception
    assert f"read {right} of our 12 drawings right: **{right / 12:.1%}**" in texts(at)
    measured = frame_with(at, "read right")
    assert list(measured["read right"]) == [right, right] and list(measured["drawings"]) == [12, 12]
    worst = at.get("image")[2]
    assert worst.captions[0].startswith(f"Ada: meant {labels[5]}, p = ")
    assert any(c.value.startswith("Confusion matrix of 'Shipped seed model") for c in at.caption)
