"""Where runs train (cnn_core.executor) and the store's leases (cnn_core.store.leases), both databases.

The Dask side with real scheduler and worker processes is in tests/dask/; here: an unreachable
scheduler (a real distributed Client, nothing listening) and the store's rules for who trains a run.
"""

import time

from sqlalchemy import update

from cnn_core import jobs, settings
from cnn_core.architecture import TrainingRecipe
from cnn_core.executor import DaskExecutor, Trainers, Where
from cnn_core.job_registry import JobRegistry
from cnn_core.store import leases, runs
from cnn_core.store.sync import RunWriter
from cnn_core.store.tables import Run
from tests.support.jobs import TINY
from tests.support.postgres import free_port

RECIPE = TrainingRecipe(epochs=1, batch_size=32, train_size=300)


def queued(kit, store, nickname="Ada"):
    job = kit.job(kit.learner(nickname)[1])
    runs.insert(store, job, worker="")  # as the Dask executor inserts it: no worker yet
    return job


def test_a_queued_run_is_claimed_by_one_worker_only(kit, store):
    job = queued(kit, store)
    assert leases.claim(store, job.id, "dask tcp://127.0.0.1:1")
    assert not leases.claim(store, job.id, "dask tcp://127.0.0.1:2")  # Dask ran the task again elsewhere
    assert leases.worker_of(store, job.id) == (jobs.RUNNING, "dask tcp://127.0.0.1:1")
    assert not leases.stopped(store, job.id, "dask tcp://127.0.0.1:2")  # only the holder's run
    assert leases.stopped(store, job.id, "dask tcp://127.0.0.1:1")
    back = runs.load(store, job.id)
    assert back.state == jobs.INTERRUPTED and back.message == runs.STOPPED_MESSAGE and back.finished
    assert "the machine training this run stopped" in back.message and "Restart it" in back.message
    assert leases.worker_of(store, jobs.new_job_id()) is None


def test_a_run_cancelled_while_it_waited_for_dask_is_never_trained(kit, store):
    job = queued(kit, store)
    assert runs.request_cancel(store, job.id) == jobs.CANCELLED  # no worker yet: cancelled at once
    assert not leases.claim(store, job.id, "dask tcp://127.0.0.1:1")
    assert runs.load(store, job.id).message == "Cancelled before it started."


def test_a_run_the_scheduler_refused_is_withdrawn(kit, store):
    job = queued(kit, store)
    leases.withdraw(store, job.id)
    assert runs.load(store, job.id) is None
    claimed = queued(kit, store, "Bob")
    leases.claim(store, claimed.id, "w")
    leases.withdraw(store, claimed.id)  # a worker has it: not withdrawn
    assert runs.load(store, claimed.id).state == jobs.RUNNING


def test_queued_runs_kept_alive_are_not_taken_for_dead(kit, store):
    kept, forgotten = queued(kit, store, "Ada"), queued(kit, store, "Bob")
    with store.session() as s:
        s.execute(update(Run).values(heartbeat=time.time() - 120))
    leases.touch(store, [kept.id])
    assert runs.interrupt(store, stale_after=60) == 1
    assert runs.load(store, kept.id).state == jobs.QUEUED
    assert runs.load(store, forgotten.id).message == runs.STOPPED_MESSAGE


def test_a_run_marked_interrupted_stays_so_and_its_trainer_stops(kit, store):
    """A worker cut off for longer than the stale time comes back: it must not revive the run."""
    job = queued(kit, store)
    leases.claim(store, job.id, "w")
    job.state = jobs.RUNNING
    with store.session() as s:
        s.execute(update(Run).values(heartbeat=time.time() - 120))
    assert runs.interrupt(store, stale_after=60) == 1
    assert runs.flush(store, job, worker="w") is True  # read as "stop training"
    assert runs.load(store, job.id).state == jobs.INTERRUPTED


def test_the_stale_time_is_a_setting(monkeypatch):
    assert settings.stale_seconds() == runs.STALE_SECONDS == 60
    monkeypatch.setenv(settings.STALE_SECONDS_ENV, "5")
    assert settings.stale_seconds() == 5
    monkeypatch.setenv(settings.STALE_SECONDS_ENV, "soon")
    assert settings.stale_seconds() == 60
    monkeypatch.setenv(settings.DASK_SCHEDULER_ENV, " tcp://10.0.0.5:8786 ")
    assert settings.dask_scheduler() == "tcp://10.0.0.5:8786"
    monkeypatch.setenv(settings.DASK_SCHEDULER_ENV, "")
    assert settings.dask_scheduler() is None


def test_without_a_scheduler_runs_train_in_this_process(kit, store, trainer):
    registry = JobRegistry(trainer(steps=3), max_jobs=1, writer=RunWriter(store, worker="t:1"))
    trainers = Trainers(registry)
    assert trainers.where() == Where("local")
    job = trainers.submit(TINY, RECIPE, None, owner=kit.learner()[1])
    assert registry.wait(job.id, timeout=30).state == jobs.DONE and not trainers.on_dask(job.id)
    registry.writer.interval = 3600  # its thread idles from now on


def test_an_unreachable_scheduler_at_start_sends_runs_here(kit, store, trainer):
    """Nothing listens at the address: the app waits at most the connect timeout, says so, trains here."""
    address = f"tcp://127.0.0.1:{free_port()}"
    registry = JobRegistry(trainer(steps=3), max_jobs=1, writer=RunWriter(store, worker="t:1"))
    t0 = time.monotonic()
    trainers = Trainers(registry, DaskExecutor(address, store, task=print, timeout=1.0))
    assert time.monotonic() - t0 < 5
    assert trainers.where() == Where("local", address, 0, fallback=True)
    job = trainers.submit(TINY, RECIPE, None, owner=kit.learner()[1])
    assert registry.wait(job.id, timeout=30).state == jobs.DONE
    assert runs.load(store, job.id).state == jobs.DONE
    registry.writer.also.clear()  # its thread no longer retries the scheduler
    registry.writer.interval = 3600
    for typo in ("localhost", "http://127.0.0.1:8786"):  # not a Dask address: the same, no exception
        assert not DaskExecutor(typo, store, task=print, timeout=1.0).connect()
