"""The run writer keeps the store in step with this process's queue (cnn_core.store.sync), both databases."""

import threading
import time
from types import SimpleNamespace

import pytest

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.job_registry import JobRegistry
from cnn_core.store import runs, settings_table
from cnn_core.store.db import StoreError
from cnn_core.store.sync import RunWriter
from tests.support.jobs import TINY
from tests.unit.conftest import WEIGHTS

RECIPE = TrainingRecipe(epochs=2, batch_size=32, train_size=300)
INTERVAL = 0.2  # seconds between the writer's rounds (the app: 1 s)


@pytest.fixture
def registry(store, trainer):
    """registry(**trainer_kw) -> a JobRegistry whose RunWriter (worker "test:1") writes to the test's store."""
    made = []

    def make(max_jobs=1, worker="test:1", **train_kw):
        writer = RunWriter(store, worker=worker, interval=INTERVAL)
        reg = JobRegistry(trainer(**train_kw), max_jobs=max_jobs, writer=writer)
        made.append((reg, writer))
        return reg

    yield make
    for reg, writer in made:  # stop whatever still trains; the writer's thread then idles for an hour
        for job in reg.live():
            reg.cancel(job.id)
        for job in list(reg.jobs.values()):
            job._settled.wait(10)
        writer.interval, writer.registry = 3600, SimpleNamespace(live=list, max_jobs=1, set_max_jobs=lambda n: None)


def wait_for(check, timeout=10.0, step=0.02):
    """Poll `check()` until it returns something true; returns (value, seconds waited)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        value = check()
        if value:
            return value, time.monotonic() - t0
        time.sleep(step)
    raise AssertionError(f"still false after {timeout} s: {check}")


def test_a_run_trained_here_is_in_the_store(kit, store, registry):
    _, token = kit.learner()
    reg = registry(steps=9)
    job = reg.wait(reg.submit(TINY, RECIPE, None, owner=token).id, timeout=30)
    assert job.state == jobs.DONE
    back = runs.load(store, job.id)
    assert back.state == jobs.DONE and back.history == job.history and back.fetch_weights() == WEIGHTS
    assert back.progress()["done"] == job.progress()["done"] == 18
    assert [j.id for j in runs.of_learner(store, jobs.owner_hash(token))] == [job.id]


def test_a_second_run_of_one_learner_is_refused_and_not_queued(kit, registry):
    _, token = kit.learner()
    reg = registry(steps=100_000, delay=0.01)
    first = reg.submit(TINY, RECIPE, None, owner=token)
    with pytest.raises(runs.AlreadyTraining):
        reg.submit(TINY, RECIPE, None, owner=token)
    assert [j.id for j in reg.live()] == [first.id]


def test_the_teachers_cancel_reaches_the_training_thread(kit, store, registry):
    _, token = kit.learner()
    reg = registry(steps=100_000, delay=0.005)
    job = reg.submit(TINY, RECIPE, None, owner=token)
    wait_for(lambda: (r := runs.load(store, job.id, curve=False)) and r.state == jobs.RUNNING and r.steps_per_epoch)
    assert runs.request_cancel(store, job.id) == jobs.RUNNING  # another process: it only sets the flag
    _, seconds = wait_for(job._cancel.is_set, timeout=10 * INTERVAL, step=0.005)
    assert seconds < 2 * INTERVAL + 0.3, f"the cancel took {seconds:.2f} s to arrive"
    reg.wait(job.id, timeout=30)
    back = runs.load(store, job.id)
    assert back.state == jobs.CANCELLED and back.has_model and back.history[-1].get("partial")
    assert back.test_accuracy is None and "Cancelled after 0 full epoch(s)" in back.message


def test_the_teachers_cancel_of_a_queued_run(kit, store, registry):
    room = kit.room()
    (_, ada), (_, bob) = kit.learner("Ada", room), kit.learner("Bob", room)
    reg = registry(steps=100_000, delay=0.005)
    running, waiting = reg.submit(TINY, RECIPE, None, owner=ada), reg.submit(TINY, RECIPE, None, owner=bob)
    assert reg.queue_position(waiting.id) == 1
    assert runs.request_cancel(store, waiting.id) == jobs.QUEUED  # its worker takes it out of the queue
    wait_for(lambda: waiting.state == jobs.CANCELLED, timeout=10 * INTERVAL)
    assert reg.queue_position(waiting.id) is None and running.state == jobs.RUNNING
    back = wait_for(lambda: (r := runs.load(store, waiting.id)) and r.state == jobs.CANCELLED and r)[0]
    assert back.message == "Cancelled before it started." and not back.has_model


def test_a_restarted_server_marks_what_it_left_behind_interrupted(kit, store, registry):
    _, token = kit.learner()
    left = kit.job(token)
    runs.insert(store, left, worker="test:1")  # the process died while this run was queued
    other = kit.job(kit.learner("Bob")[1])
    runs.insert(store, other, worker="test:2")  # another server's run: not ours to touch
    registry(worker="test:1")
    assert runs.load(store, left.id).state == jobs.INTERRUPTED
    assert runs.load(store, other.id).state == jobs.QUEUED


def test_the_teachers_runs_at_once_setting_reaches_the_queue(kit, store, registry):
    _, token = kit.learner()
    reg = registry(max_jobs=1, steps=100_000, delay=0.005)
    reg.submit(TINY, RECIPE, None, owner=token)  # starts the writer's thread
    settings_table.put(store, settings_table.MAX_JOBS, 3)
    wait_for(lambda: reg.max_jobs == 3, timeout=10 * INTERVAL)


def test_a_final_write_that_failed_is_retried_until_it_lands(kit, store, registry, monkeypatch):
    """The database is away when a run ends (longer than the writer's three quick tries): the run must
    not stay 'training' in the store, or its learner could never start another one."""
    down, real_flush = threading.Event(), runs.flush

    def flaky(*args, **kw):
        if down.is_set():
            raise StoreError("Could not save the run's progress: the database server could not be reached.")
        return real_flush(*args, **kw)

    monkeypatch.setattr(runs, "flush", flaky)
    _, token = kit.learner()
    reg = registry(steps=9)
    down.set()
    job = reg.wait(reg.submit(TINY, RECIPE, None, owner=token).id, timeout=30)
    assert job.state == jobs.DONE and runs.load(store, job.id).state == jobs.QUEUED  # nothing written yet
    down.clear()
    back = wait_for(lambda: (r := runs.load(store, job.id)) and r.state == jobs.DONE and r, timeout=10 * INTERVAL)[0]
    assert back.has_model and back.history == job.history
    runs.insert(store, kit.job(token))  # the learner may start the next run


def test_an_unexpected_error_does_not_stop_the_writer(kit, store, registry, monkeypatch):
    real_flush, calls = runs.flush, []

    def broken_once(*args, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug nobody foresaw")
        return real_flush(*args, **kw)

    monkeypatch.setattr(runs, "flush", broken_once)
    _, token = kit.learner()
    reg = registry(steps=100_000, delay=0.005)
    job = reg.submit(TINY, RECIPE, None, owner=token)
    wait_for(lambda: len(calls) >= 3, timeout=20 * INTERVAL)  # the rounds after the failure still write
    assert wait_for(lambda: runs.load(store, job.id).progress()["done"] > 0)[0]


def test_deleting_a_learner_while_their_run_trains_stops_it_and_the_writer_goes_on(kit, store, registry):
    from cnn_core.store import learners

    who, token = kit.learner("Gone")
    _, other = kit.learner("Stays")
    reg = registry(max_jobs=2, steps=100_000, delay=0.005)
    doomed = reg.submit(TINY, RECIPE, None, owner=token)
    kept = reg.submit(TINY, RECIPE, None, owner=other)
    wait_for(lambda: (r := runs.load(store, doomed.id, curve=False)) and r.state == jobs.RUNNING)
    learners.delete_learner(store, who.id)
    wait_for(doomed._cancel.is_set, timeout=10 * INTERVAL)  # the writer found its row gone: training stops
    before = runs.load(store, kept.id).progress()["done"]
    _, _ = wait_for(lambda: runs.load(store, kept.id).progress()["done"] > before)  # the other run still written
    assert runs.load(store, doomed.id) is None


def test_a_run_whose_process_died_is_marked_interrupted(kit, store, registry):
    """Another process's run, silent for longer than STALE_SECONDS, stops looking alive."""
    _, token = kit.learner()
    dead = jobs.Job(jobs.new_job_id(), TINY, RECIPE, owner=jobs.owner_hash(token))
    runs.insert(store, dead, worker="elsewhere:1")
    with store.session() as s:  # its last heartbeat, long ago
        from cnn_core.store.tables import Run

        s.get(Run, dead.id).heartbeat = time.time() - runs.STALE_SECONDS - 5
    _, other = kit.learner("Busy")
    reg = registry(steps=50, delay=0.01)
    reg.submit(TINY, RECIPE, None, owner=other)  # this process's writer runs its rounds
    back, _ = wait_for(lambda: (r := runs.load(store, dead.id, curve=False)).state == jobs.INTERRUPTED and r)
    assert "Restart it" in back.message and not back.has_model
