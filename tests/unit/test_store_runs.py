"""Runs in the store (cnn_core.store.runs): a Job written as rows and read back, on SQLite and PostgreSQL."""

import math
import threading
import time
from functools import partial

import numpy as np
import pytest
from sqlalchemy import func, select, update

from cnn_core import jobs
from cnn_core.settings import RUNS_KEPT_ENV
from cnn_core.store import learners, runs
from cnn_core.store.db import Store
from cnn_core.store.tables import Run, RunModel, RunPoint
from tests.unit.conftest import WEIGHTS, fake_train


def stored(store, run_id: str) -> Run | None:
    with store.session() as s:
        return s.get(Run, run_id)


def test_a_finished_run_reads_back_as_it_was(kit, store):
    _, token = kit.learner()
    job = kit.run(token)
    back = runs.load(store, job.id)
    assert (back.state, back.label, back.number, back.owner) == (jobs.DONE, job.label, 1, job.owner)
    assert job.label.startswith("Run 1: adam lr=0.001, batch 32, 2 ep")
    assert back.arch == job.arch and back.recipe == job.recipe
    assert back.history == job.history and len(back.history) == 2
    assert len(back.kernels) == len(job.kernels) == 3
    assert all(np.array_equal(a, b) and b.dtype == np.float32 for a, b in zip(job.kernels, back.kernels, strict=True))
    assert (back.test_loss, back.test_accuracy) == (job.test_loss, job.test_accuracy)
    assert (back.steps_per_epoch, back.n_train, back.precision) == (9, 288, "float32")
    assert back.phase_seconds == job.phase_seconds and back.started == job.started and back.finished == job.finished
    assert back.has_model and back.fetch_weights() == WEIGHTS
    # 18 batches: every event is kept, in order, with its numbers
    assert [(e.seq, e.kind, e.epoch, e.batch) for e in back.events] == [
        (e.seq, e.kind, e.epoch, e.batch) for e in job.events
    ]
    assert [e.logs.get("loss") for e in back.events if e.kind == "batch"] == [
        e.logs["loss"] for e in job.events if e.kind == "batch"
    ]
    live, read = job.progress(), back.progress()
    assert (read["done"], read["total"], read["run_fraction"]) == (live["done"], live["total"], 1.0) == (18, 18, 1.0)


def test_a_long_run_is_thinned_and_its_progress_stays_exact(kit, store):
    """5,000 batches, flushed every 777 batches (off the thinning grid): the store keeps about MAX_POINTS."""
    _, token = kit.learner()
    job = kit.job(token, epochs=2)
    runs.insert(store, job)
    seen = []

    def flush_now_and_then(j):
        p = j.progress()
        if p["done"] % 777 == 0:
            runs.flush(store, j)
            seen.append((p["done"], runs.load(store, j.id).progress()["done"]))

    jobs.run_job(job, None, partial(fake_train, steps=2500), callbacks=[flush_now_and_then])
    runs.flush(store, job, final=True)
    assert seen == [(n, n) for n in range(777, 5000, 777)]
    back = runs.load(store, job.id)
    assert len(job.events) == 5000 + 2 + 2
    assert runs.MAX_POINTS // 2 < len(back.events) <= runs.MAX_POINTS + job.recipe.epochs + 2
    assert [e.kind for e in back.events].count("epoch") == 2 and back.events[-1].kind == "end"
    assert back.progress()["done"] == job.progress()["done"] == 5000
    assert back.progress()["total"] == job.progress()["total"] == 5000
    steps = back.batch_series(max_points=10_000)["step"]
    stride = math.ceil(5000 / runs.MAX_POINTS)  # every 9th batch; the epoch's end is in its "epoch" event
    assert np.all(np.diff(steps) == stride) and 5000 - stride < steps[-1] <= 5000
    with store.session() as s:  # no point written twice across the flushes
        seqs = s.scalars(select(RunPoint.seq).where(RunPoint.run_id == job.id)).all()
    assert len(seqs) == len(set(seqs)) == len(back.events)


def test_non_finite_numbers_are_kept_as_missing(kit, store):
    """A run whose loss became NaN: PostgreSQL's JSON has no NaN, so it is written as null (None)."""
    _, token = kit.learner()
    job = kit.job(token, epochs=1)
    runs.insert(store, job)

    def diverge(j, mnist, callbacks):
        fake_train(j, mnist, callbacks, steps=3)
        j.events[-2].logs["loss"] = math.nan
        j.history[-1].update(val_loss=math.nan, val_accuracy=0.1)
        j.test_loss = None
        j.state, j.message = jobs.NAN, "The loss became NaN"

    jobs.run_job(job, None, diverge)
    runs.flush(store, job, final=True)
    back = runs.load(store, job.id)
    assert back.state == jobs.NAN and back.history[-1]["val_loss"] is None and back.history[-1]["val_accuracy"] == 0.1
    assert [e.logs.get("loss") for e in back.events if e.kind == "batch"][-1] is None


def test_one_active_run_per_learner(kit, store):
    _, token = kit.learner()
    first, second = kit.job(token), kit.job(token)
    runs.insert(store, first)
    with pytest.raises(runs.AlreadyTraining, match="already have a run queued or training"):
        runs.insert(store, second)
    jobs.run_job(first, None, fake_train)
    runs.flush(store, first, final=True)
    runs.insert(store, second)  # the first one ended: the next may start
    assert [j.number for j in runs.of_learner(store, first.owner)] == [1, 2]


def start_together(barrier: threading.Barrier, store, job, results: list) -> None:
    barrier.wait()
    try:
        runs.insert(store, job)
        results.append("won")
    except runs.AlreadyTraining:
        results.append("refused")


def test_two_processes_starting_at_once_get_one_run(kit, store):
    """Two tabs on two servers (two engines) press Start together: the database lets exactly one in."""
    others = [Store(store.url) for _ in range(2)]
    try:
        for round_ in range(3):
            _, token = kit.learner(f"Ada {round_}")
            barrier, results = threading.Barrier(2), []
            threads = [
                threading.Thread(target=start_together, args=(barrier, s, kit.job(token), results)) for s in others
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert sorted(results) == ["refused", "won"]
            assert len(runs.of_learner(store, jobs.owner_hash(token))) == 1
    finally:
        for s in others:
            s.dispose()


def test_runs_kept_drops_the_oldest_finished_run(kit, store, monkeypatch):
    monkeypatch.setenv(RUNS_KEPT_ENV, "3")
    _, token = kit.learner()
    kept = [kit.run(token) for _ in range(3)]
    fourth = kit.job(token)
    assert runs.insert(store, fourth) == [kept[0].id]
    assert runs.load(store, kept[0].id) is None
    assert [j.id for j in runs.of_learner(store, fourth.owner)] == [kept[1].id, kept[2].id, fourth.id]
    with store.session() as s:  # its curve and model went with it
        assert s.scalar(select(func.count()).where(RunPoint.run_id == kept[0].id)) == 0
        assert s.scalar(select(func.count()).where(RunModel.run_id == kept[0].id)) == 0
    assert fourth.number == 4
    with pytest.raises(runs.AlreadyTraining):  # refused: the runs it would have made room for stay
        runs.insert(store, kit.job(token))
    assert [j.id for j in runs.of_learner(store, fourth.owner)] == [kept[1].id, kept[2].id, fourth.id]


def test_cancel_a_queued_run_nobody_has_started(kit, store):
    _, token = kit.learner()
    job = kit.job(token)
    runs.insert(store, job)  # no worker: nobody will ever pick up the request
    assert runs.request_cancel(store, job.id) == jobs.CANCELLED
    back = runs.load(store, job.id)
    assert back.state == jobs.CANCELLED and back.message == "Cancelled before it started." and back.finished
    assert not stored(store, job.id).active
    runs.insert(store, kit.job(token))  # not active any more: the next run may start


def test_cancel_a_run_another_process_trains_sets_the_flag(kit, store):
    _, token = kit.learner()
    job = kit.job(token)
    runs.insert(store, job, worker="host:8501")
    assert runs.request_cancel(store, job.id) == jobs.QUEUED  # its worker will see the flag
    row = stored(store, job.id)
    assert row.cancel_requested and row.active
    assert runs.flush(store, job, worker="host:8501") is True


def test_cancelling_a_run_that_just_finished_changes_nothing(kit, store):
    _, token = kit.learner()
    job = kit.run(token)
    assert runs.request_cancel(store, job.id) == jobs.DONE
    row = stored(store, job.id)
    assert (row.state, row.cancel_requested, row.test_accuracy) == (jobs.DONE, False, job.test_accuracy)
    assert runs.request_cancel(store, jobs.new_job_id()) is None


def test_interrupt_the_runs_of_a_restarted_worker(kit, store):
    room = kit.room()
    tokens = [kit.learner(n, room)[1] for n in ("Ada", "Bob", "Cy", "Di")]
    a1, a2, b = kit.job(tokens[0]), kit.job(tokens[1]), kit.job(tokens[2])
    for job, worker in ((a1, "host:1"), (a2, "host:1"), (b, "host:2")):
        runs.insert(store, job, worker=worker)
    done = kit.run(tokens[3], worker="host:1")
    assert runs.interrupt(store) == 0  # neither who nor how old: nothing
    assert runs.interrupt(store, worker="host:1") == 2
    for job in (a1, a2):
        back = runs.load(store, job.id)
        assert back.state == jobs.INTERRUPTED and back.message == runs.INTERRUPTED_MESSAGE and back.finished
    assert runs.load(store, b.id).state == jobs.QUEUED and runs.load(store, done.id).state == jobs.DONE
    assert runs.interrupt(store, worker="host:1") == 0


def test_interrupt_runs_whose_heartbeat_stopped(kit, store):
    room = kit.room()
    stale, fresh = kit.job(kit.learner("Ada", room)[1]), kit.job(kit.learner("Bob", room)[1])
    runs.insert(store, stale, worker="host:1")
    runs.insert(store, fresh, worker="host:1")
    with store.session() as s:
        s.execute(update(Run).where(Run.id == stale.id).values(heartbeat=time.time() - 120))
    assert runs.interrupt(store, stale_after=60) == 1
    assert runs.load(store, stale.id).state == jobs.INTERRUPTED and runs.load(store, fresh.id).state == jobs.QUEUED


def test_of_learner_lists_runs_without_curves(kit, store):
    _, token = kit.learner()
    a, b = kit.run(token), kit.run(token)
    listed = runs.of_learner(store, a.owner)
    assert [j.id for j in listed] == [a.id, b.id] and all(j.events == [] for j in listed)
    assert all(j.has_model and j.fetch_weights() == WEIGHTS for j in listed)
    assert runs.of_learner(store, None) == [] and runs.of_learner(store, jobs.owner_hash("nobody")) == []
    assert runs.load(store, "../etc/passwd") is None and runs.load(store, jobs.new_job_id()) is None


def test_someone_working_alone_becomes_a_personal_learner(kit, store):
    token = learners.new_token()
    job = kit.job(token)
    runs.insert(store, job)
    me = learners.by_token(store, token)
    assert me is not None and me.class_id is None and job.learner_id == me.id and job.class_id is None


def test_save_score_of_a_cancelled_run(kit, store):
    _, token = kit.learner()
    job = kit.job(token)
    runs.insert(store, job)
    job._cancel.set()
    jobs.run_job(job, None, fake_train)
    runs.flush(store, job, final=True)
    assert runs.load(store, job.id).state == jobs.CANCELLED and runs.load(store, job.id).test_accuracy is None
    job.test_loss, job.test_accuracy = 0.3, 0.9
    runs.save_score(store, job)
    assert runs.load(store, job.id).test_accuracy == 0.9


class SlowLock:
    """The store's lock, held 0.2 s each time (so that two flushes of one job overlap)."""

    def __init__(self):
        self.inner, self.held = threading.Lock(), threading.Event()

    def __enter__(self):
        self.inner.acquire()
        self.held.set()
        time.sleep(0.2)

    def __exit__(self, *exc):
        self.inner.release()


def test_the_writers_round_and_the_runs_end_may_meet(kit, store):
    """The writer's thread flushes a run at the moment its training thread writes the end: both land,
    no point is written twice, and nothing recorded while a flush was under way is lost."""
    _, token = kit.learner()
    job = kit.job(token, epochs=1)
    runs.insert(store, job)
    jobs.run_job(job, None, partial(fake_train, steps=9))
    ended = job.events.pop()  # the run's last event comes while the first flush is under way
    kernel = job.kernels.pop()
    store.lock = lock = SlowLock()
    first = threading.Thread(target=runs.flush, args=(store, job))
    first.start()
    lock.held.wait(5)
    job.events.append(ended)
    job.kernels.append(kernel)
    runs.flush(store, job, final=True)  # the end, written by the training thread
    first.join(10)
    back = runs.load(store, job.id)
    assert back.state == jobs.DONE and back.has_model and not stored(store, job.id).active
    assert [e.kind for e in back.events][-2:] == ["epoch", "end"]
    assert len(back.kernels) == len(job.kernels) and np.array_equal(back.kernels[-1], kernel)
