"""AppTest of the Train page's guided experiments and of its answers (Q32-Q37) before and after a run."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import jobs
from cnn_core.experiment_results import outcome, summary, turn_up_epoch
from cnn_core.experiments import EXPERIMENTS, expected_seconds, progress
from cnn_core.formulas import batches_per_epoch
from cnn_core.seed_facts import RECORD_PATH, load_facts
from cnn_core.store import runs
from cnn_core.store.migrate import open_store
from ui import state
from ui.train import experiment_figures as figs
from ui.train import experiments as section
from ui.train import inputs

PAGE = "../../app_pages/train.py"


@pytest.fixture(scope="module")
def db():
    s = open_store()  # the tests' own database ($CNN_EXPLAINER_DB, set in tests/conftest.py)
    yield s
    s.dispose()


def _key() -> str:
    return uuid.uuid4().hex  # a fresh learner for each test


def _open(key: str, **session) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[state.OWNER_KEY] = key
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _history(n: int, i: int, turn: int | None = None) -> list[dict]:
    """Synthetic epochs of variant i: accuracy grows with the epoch and the variant; validation loss
    falls, then rises from epoch `turn` on."""
    out = []
    for e in range(1, n + 1):
        vl = 1.0 / e if turn is None or e < turn else 1.0 / (turn - 1) + 0.05 * (e - turn + 1)
        acc = round(0.5 + 0.1 * i + 0.02 * e, 4)
        out.append({"epoch": e, "loss": 1.2 / e, "accuracy": acc, "val_loss": vl, "val_accuracy": acc - 0.01})
    return out


def _stored(db, key: str, variant, history: list[dict], state: str = jobs.DONE) -> jobs.Job:
    """A run of exactly `variant`, written as the trainer writes one: events (per batch, running means) and epochs."""
    job = jobs.Job(jobs.new_job_id(), variant.arch, variant.recipe, owner=jobs.owner_hash(key))
    runs.insert(db, job)
    steps = variant.steps_per_epoch
    job.state, job.steps_per_epoch, job.started = jobs.RUNNING, steps, time.time()
    job.n_train = variant.recipe.train_size  # as the runner records it: before Keras' validation split
    job.add_event("start")
    for h in history:
        for b in range(1, steps + 1):
            job.add_event("batch", epoch=h["epoch"], batch=b, logs={"loss": h["loss"] * (1 + 0.1 * (b % 2))})
        job.history.append(h)
        job.add_event("epoch", epoch=h["epoch"], batch=steps, logs=h)
    job.state, job.finished = state, time.time()
    if state == jobs.DONE:  # a finished run is scored on the test images
        job.test_loss, job.test_accuracy = history[-1]["val_loss"], history[-1]["val_accuracy"]
    runs.flush(db, job, final=True)
    return job


def _texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption") for e in getattr(at, kind))


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


# -- Q32-Q37 before and after the first run --------------------------------------------------------


def test_answers_before_the_first_run_quote_the_shipped_models_record():
    at = _open(_key())
    assert "Questions, answered with the shipped model's numbers" in [s.value for s in at.subheader]
    record = json.loads(RECORD_PATH.read_text())
    val_loss, r = record["history"]["val_loss"], record["recipe"]
    text = _texts(at)
    assert ", ".join(f"{v:.4f}" for v in val_loss) in text  # Q36, read from the record
    assert f"turned upward at epoch {turn_up_epoch(val_loss)}" in text
    steps = batches_per_epoch(r["train_size"], r["batch_size"], r["validation_split"])
    assert f"used {r['batch_size']} images per batch" in text and f"**{steps:,} updates**" in text  # Q34
    assert f"{record['test_accuracy']:.2%} on the 10,000 test images" in text  # Q37
    w = load_facts().conv1_kernel[:, :, 0, 30]
    assert f"{w[0, 0]:+.3f}" in text  # Q35: the shipped first layer's kernel #31
    assert "until your own run has finished an epoch" in text.lower()
    assert any("validation" in json.dumps(c) for c in _charts(at))  # the recorded curves, drawn


def test_answers_after_a_run_quote_that_run(db):
    key = _key()
    v = EXPERIMENTS["pooling"].variants[0]
    job = _stored(db, key, v, _history(3, 0, turn=3))
    at = _open(key, **{state.JOB_ID: job.id})
    assert "Questions, answered with this run's numbers" in [s.value for s in at.subheader]
    text = _texts(at)
    assert ", ".join(f"{h['val_loss']:.4f}" for h in job.history) in text and "turned upward at epoch 3" in text
    assert f"used {v.recipe.batch_size} images per batch" in text
    assert f"**{v.steps_per_epoch:,} updates**" in text and f"its {v.n_fit:,} training images" in text
    assert "shipped model's numbers" not in " ".join(s.value for s in at.subheader)


# -- the experiments section -------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(EXPERIMENTS))
def test_each_experiment_says_what_it_tests_its_settings_and_its_time(key):
    at = _open(_key())
    at.selectbox(key=section.PICK).set_value(key).run()
    exp = EXPERIMENTS[key]
    text = _texts(at)
    assert exp.tests in text and exp.watch in text
    assert f"about {expected_seconds(exp):.0f} s of training" in text
    for v in exp.variants:
        assert section.settings_text(v) in text and f"**{v.name}**: not trained yet" in text
    assert at.button(key="experiment_start").label == section.START
    assert not any(m.value.startswith("**Result:**") for m in at.markdown)


@pytest.mark.parametrize("key", list(EXPERIMENTS))
def test_finished_runs_give_one_chart_and_one_sentence_with_their_numbers(db, key):
    exp = EXPERIMENTS[key]
    learner = _key()
    done = [
        _stored(db, learner, v, _history(v.recipe.epochs, i, turn=4 if key == "overfit" else None))
        for i, v in enumerate(exp.variants)
    ]
    at = _open(learner)
    at.selectbox(key=section.PICK).set_value(key).run()
    result = next(m.value for m in at.markdown if m.value.startswith("**Result:**"))
    by_run = {j.id: j for j in done}
    expected = summary(exp, [outcome(s) for s in progress(exp, by_run)])
    assert result == f"**Result:** {expected}"
    if key == "overfit":
        assert "turned upward at epoch 4" in result
    else:
        for j in done:
            assert f"{j.history[-1]['val_accuracy']:.1%}" in result
    drawn = [c for c in _charts(at) if all(json.dumps(v.name)[1:-1] in json.dumps(c) for v in exp.variants)]
    assert drawn, "the experiment's chart names every variant"
    assert not [b for b in at.button if b.key == "experiment_start"]  # nothing left to start


def test_a_stopped_variant_waits_for_the_learner(db):
    """A cancelled variant is not restarted by itself, even in the session that started the experiment."""
    exp = EXPERIMENTS["pooling"]
    key = _key()
    _stored(db, key, exp.variants[0], _history(5, 0))
    _stored(db, key, exp.variants[1], _history(2, 1), state=jobs.CANCELLED)
    at = _open(key, **{section.ACTIVE: "pooling", section.PICK: "pooling"})
    mine = runs.of_learner(db, jobs.owner_hash(key))
    assert len(mine) == 2 and all(j.state in jobs.TERMINAL for j in mine)  # nothing new started
    assert section.ACTIVE not in at.session_state
    assert at.button(key="experiment_start").label == section.NEXT
    assert "stopped" in _texts(at)


def test_without_the_session_that_started_it_the_next_variant_waits_for_a_press(db):
    exp = EXPERIMENTS["loss"]
    key = _key()
    _stored(db, key, exp.variants[0], _history(5, 0))
    at = _open(key, **{section.PICK: "loss"})
    assert len(runs.of_learner(db, jobs.owner_hash(key))) == 1
    assert at.button(key="experiment_start").label == section.NEXT
    assert f"**{exp.variants[0].name}**: done" in _texts(at)


def test_while_a_variant_trains_the_section_says_what_comes_next(db):
    exp = EXPERIMENTS["learning_rate"]
    key = _key()
    _stored(db, key, exp.variants[0], _history(5, 0))
    job = jobs.Job(jobs.new_job_id(), exp.variants[1].arch, exp.variants[1].recipe, owner=jobs.owner_hash(key))
    runs.insert(db, job)  # queued, as far as the page knows
    at = _open(key, **{section.PICK: "learning_rate"})
    text = _texts(at)
    assert f"**{exp.variants[1].name}**: waiting in the server's queue" in text
    assert f"When it finishes, press '{section.NEXT}'." in text
    assert not [b for b in at.button if b.key == "experiment_start"]
    at.session_state[section.ACTIVE] = "learning_rate"  # the session that started it
    at.run()
    assert "The next variant starts by itself when this one finishes." in _texts(at)
    assert len(runs.of_learner(db, jobs.owner_hash(key))) == 2  # nothing started while one trains
    assert runs.request_cancel(db, job.id) == jobs.CANCELLED  # leaves nothing queued behind


def test_q32_quotes_the_loss_experiment_once_it_has_run(db):
    exp = EXPERIMENTS["loss"]
    key = _key()
    done = [_stored(db, key, v, _history(5, 3 - 3 * i)) for i, v in enumerate(exp.variants)]
    at = _open(key)
    q32 = next(m.value for m in at.markdown if m.value.startswith("Measured by the guided experiment"))
    assert all(f"{j.history[-1]['val_accuracy']:.1%}" in q32 for j in done)


def test_starting_an_experiment_fills_the_settings_and_runs_every_variant(db):
    """The real thing: Start fills in the first variant's settings and trains it; the next starts by itself."""
    exp = EXPERIMENTS["pooling"]
    key = _key()
    at = _open(key)
    at.selectbox(key=section.PICK).set_value("pooling").run()
    at.button(key="experiment_start").click().run()
    assert not at.exception, at.exception
    first = exp.variants[0]
    for name, value in section.widget_values(first).items():
        assert at.session_state[name] == value, name
    assert at.selectbox(key="train_network").value == section.widget_values(first)["train_network"]
    assert at.radio(key="train_size").value == first.recipe.train_size
    for _ in range(180):
        if any(m.value.startswith("**Result:**") for m in at.markdown):
            break
        time.sleep(1)
        at.run()
    assert not at.exception, at.exception
    mine = runs.of_learner(db, jobs.owner_hash(key))
    assert [(j.arch, j.recipe) for j in mine] == [(v.arch, v.recipe) for v in exp.variants]
    assert all(j.state == jobs.DONE for j in mine)
    result = next(m.value for m in at.markdown if m.value.startswith("**Result:**"))
    for j in mine:
        assert f"{j.history[-1]['val_accuracy']:.1%}" in result
    assert at.session_state[inputs.SAVED]["train_network"] == inputs.FROM_ARCH_PAGE  # average pooling: no preset
    assert at.session_state[state.ARCHITECTURE] == exp.variants[1].arch


# -- the figures ------------------------------------------------------------------------------------


def test_the_figures_draw_what_their_captions_say():
    from cnn_core.experiment_results import CHANCE, Outcome

    def out(name, val_loss, acc, secs=(), losses=()):
        hist = tuple(
            {"epoch": e, "loss": 1.0 / e, "val_loss": v, "val_accuracy": a}
            for e, (v, a) in enumerate(zip(val_loss, acc, strict=True), 1)
        )
        return Outcome(name, hist, secs, losses, 10, 100, None)

    gap = out("run", [0.9, 0.5, 0.6], [0.5, 0.6, 0.6])
    fig = figs.figure(EXPERIMENTS["overfit"], [gap])
    assert [t.name for t in fig.data] == ["training loss", "validation loss"]
    assert [t.line.dash for t in fig.data] == ["dash", "solid"]
    assert fig.layout.shapes[0].x0 == 2  # the lowest validation loss
    assert "epoch 3" in figs.caption(EXPERIMENTS["overfit"], [gap])
    two = [out("a", [1, 1], [0.2, 0.4]), out("b", [1, 1], [0.3, 0.9])]
    fig = figs.figure(EXPERIMENTS["pooling"], two)
    assert [t.name for t in fig.data] == ["a", "b"] and fig.layout.shapes[0].y0 == CHANCE
    assert tuple(fig.layout.yaxis.range) == (0, 1) and "guessing" in figs.caption(EXPERIMENTS["pooling"], two)
    close = [out("a", [1, 1], [0.8, 0.9]), out("b", [1, 1], [0.85, 0.92])]
    fig = figs.figure(EXPERIMENTS["pooling"], close)
    assert not fig.layout.shapes and fig.layout.yaxis.range is None  # zoomed in on the differences
    assert "does not start at 0" in figs.caption(EXPERIMENTS["pooling"], close)
    batch = [out("small", [1, 1], [0.5, 0.6], (3.0, 1.5), (1, 2, 1)), out("large", [1, 1], [0.5, 0.6], (2, 0.5), (1,))]
    fig = figs.figure(EXPERIMENTS["batch"], batch)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.y[0] for b in bars] == [1.5, 0.5]
    assert [t.name for t in fig.data if t.type == "scatter"] == ["small: 3 batches", "large: 1 batch"]


def test_the_improved_presets_recorded_run_is_shown_under_the_experiments():
    from cnn_core.improved_record import load_record

    rec = load_record()
    at = _open(_key())
    caption = next(c.value for c in at.caption if "Improved preset" in c.value)
    assert f"{rec.test_accuracy[-1]:.2%} test accuracy after {rec.epochs} epochs" in caption
    assert "batch norm" in caption and "dropout 0.25" in caption
