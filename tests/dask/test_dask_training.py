"""Runs trained on real Dask workers: results in the store, cancel through the store, a worker killed
mid-run, and the scheduler stopping during a class (tests/dask/cluster.py starts the processes).

The tests share one cluster and run in this order: the last one stops the scheduler.
"""

from __future__ import annotations

import os
import signal
import time

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.store import leases, runs
from cnn_core.store.migrate import open_store
from tests.dask.cluster import wait_for
from tests.dask.conftest import STALE
from tests.support.jobs import TINY

QUICK = TrainingRecipe(epochs=2, batch_size=32, train_size=300)  # 9 batches an epoch: a second or two
MEDIUM = TrainingRecipe(epochs=25, batch_size=32, train_size=300)  # a few seconds
LONG = TrainingRecipe(epochs=400, batch_size=32, train_size=300)  # long enough to stop it midway


def learner(store, nickname: str) -> str:
    from cnn_core.store import learners

    room = learners.create_class(store, f"Dask {nickname}")
    return learners.join(store, room.code, nickname)[1]


def row(store, run_id: str):
    return runs.load(store, run_id, curve=False)


def running_with_progress(store, run_id: str):
    r = runs.load(store, run_id)
    return r if r.state == jobs.RUNNING and r.progress()["done"] > 0 else None


def test_a_run_trains_on_a_dask_worker_and_lands_in_the_store(cluster, app, db_url, small):
    trainers = app(cluster.address)
    where = trainers.where()
    assert (where.executor, where.workers, where.fallback) == ("dask", 2, False)
    store = trainers.dask.store
    job = trainers.submit(TINY, QUICK, small, token="click-1", owner=learner(store, "Ada"))
    assert trainers.submit(TINY, QUICK, small, token="click-1", owner="x") is job  # a double click: one run
    assert trainers.local.live() == []  # nothing trains in the app process
    done, seconds = wait_for(lambda: (r := row(store, job.id)).state in jobs.TERMINAL and r, timeout=60)
    assert done.state == jobs.DONE, done.message
    assert 0.0 <= done.test_accuracy <= 1.0 and done.has_model and len(done.fetch_weights()) > 1000
    assert len(done.history) == 2 and len(done.kernels) == 3
    assert runs.load(store, job.id).progress()["done"] == 18  # the curve, batch by batch
    _, worker = leases.worker_of(store, job.id)
    assert worker in {f"dask {a}" for a in cluster.worker_pids()}
    print(f"trained on Dask in {seconds:.1f} s")


def test_cancel_through_the_store_reaches_a_run_on_a_dask_worker(cluster, app, db_url, small):
    """Both workers busy, a third run waits in Dask's queue: cancelling it takes it out of that queue;
    cancelling a training one (from another process, through the store) stops it after its batch."""
    trainers = app(cluster.address)
    store = open_store(db_url)  # another process (a teacher's replica) asks to cancel
    job, other = (trainers.submit(TINY, LONG, small, owner=learner(store, n)) for n in ("Bob", "Bea"))
    wait_for(lambda: running_with_progress(store, job.id) and running_with_progress(store, other.id), timeout=60)
    waiting = trainers.submit(TINY, LONG, small, owner=learner(store, "Ben"))
    assert row(store, waiting.id).state == jobs.QUEUED and trainers.on_dask(waiting.id)
    assert runs.request_cancel(store, waiting.id) == jobs.CANCELLED  # no worker has it: cancelled at once
    assert cluster.has_task(f"train-{waiting.id}")
    trainers.cancel(waiting.id)
    assert not trainers.on_dask(waiting.id)
    wait_for(lambda: not cluster.has_task(f"train-{waiting.id}"), timeout=5)  # gone from Dask's queue
    assert runs.request_cancel(store, job.id) == jobs.RUNNING
    t0 = time.monotonic()
    back, _ = wait_for(lambda: (r := row(store, job.id)).state in jobs.TERMINAL and r, timeout=30)
    seconds = time.monotonic() - t0
    assert back.state == jobs.CANCELLED and back.has_model and back.test_accuracy is None
    assert back.message.startswith("Cancelled after") and back.progress()["done"] < back.progress()["total"]
    assert seconds < 6, f"the cancel took {seconds:.1f} s to stop the run"  # writer reads it each second
    print(f"cancel reached the worker and the run ended in {seconds:.1f} s")
    runs.request_cancel(store, other.id)
    wait_for(lambda: row(store, other.id).state == jobs.CANCELLED, timeout=30)
    time.sleep(1.5)  # a free worker now: a task still queued would start
    assert row(store, waiting.id).state == jobs.CANCELLED and leases.worker_of(store, waiting.id)[1] == ""


def test_a_killed_worker_interrupts_its_run_and_the_other_worker_keeps_serving(cluster, app, db_url, small):
    """Killed while another worker is free: Dask re-runs the task there, which marks the run at once."""
    trainers = app(cluster.address)
    store = trainers.dask.store
    owner = learner(store, "Cy")
    job = trainers.submit(TINY, LONG, small, owner=owner)
    wait_for(lambda: running_with_progress(store, job.id), timeout=60)
    _, worker = leases.worker_of(store, job.id)
    victim = worker.removeprefix("dask ")
    cluster.kill_worker(victim)
    t0 = time.monotonic()
    back, _ = wait_for(lambda: (r := row(store, job.id)).state in jobs.TERMINAL and r, timeout=STALE + 20)
    seconds = time.monotonic() - t0
    assert back.state == jobs.INTERRUPTED and "the machine training this run stopped" in back.message
    assert not back.has_model and "Restart it" in back.message
    assert seconds < STALE - 2, f"the run looked alive for {seconds:.1f} s after its worker died"
    print(f"killed worker noticed in {seconds:.1f} s")
    # the learner restarts it (same settings): the surviving worker trains it
    again = trainers.submit(back.arch, back.recipe, small, owner=owner)
    wait_for(lambda: running_with_progress(store, again.id), timeout=60)
    assert leases.worker_of(store, again.id)[1] != worker and victim not in cluster.worker_pids()
    runs.request_cancel(store, again.id)  # no need to train all 400 epochs
    assert wait_for(lambda: row(store, again.id).state == jobs.CANCELLED, timeout=30)


def test_a_frozen_worker_is_taken_for_stopped_after_the_stale_time_and_cannot_revive_its_run(
    cluster, app, db_url, small
):
    """No other worker to re-run the task (a frozen machine: Dask still counts it): the store's
    heartbeat decides, after CNN_EXPLAINER_STALE_SECONDS. Thawed, the worker stops that run."""
    trainers = app(cluster.address)
    store = trainers.dask.store
    job = trainers.submit(TINY, LONG, small, owner=learner(store, "Fay"))
    wait_for(lambda: running_with_progress(store, job.id), timeout=60)
    pid = cluster.worker_pids()[leases.worker_of(store, job.id)[1].removeprefix("dask ")]
    os.kill(pid, signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        back, _ = wait_for(lambda: (r := row(store, job.id)).state in jobs.TERMINAL and r, timeout=STALE + 20)
        seconds = time.monotonic() - t0
    finally:
        os.kill(pid, signal.SIGCONT)
    assert back.state == jobs.INTERRUPTED and back.message == runs.STOPPED_MESSAGE
    assert STALE - 2 < seconds < STALE + 5, f"marked after {seconds:.1f} s (stale time {STALE} s)"
    print(f"frozen worker's run marked interrupted after {seconds:.1f} s")
    time.sleep(3)  # the thawed worker's writer finds the run interrupted: its training stops
    first = runs.load(store, job.id)
    time.sleep(2)
    later = runs.load(store, job.id)
    assert later.state == jobs.INTERRUPTED and later.progress()["done"] == first.progress()["done"]


def test_the_scheduler_stopping_during_a_class_sends_runs_here(cluster, app, small):
    """The run a worker is training finishes there (the worker closes after it); new runs train here."""
    trainers = app(cluster.address)
    assert trainers.where().executor == "dask"
    store = trainers.dask.store
    midway = trainers.submit(TINY, MEDIUM, small, owner=learner(store, "Di"))
    wait_for(lambda: running_with_progress(store, midway.id), timeout=60)
    cluster.kill_scheduler()
    where, seconds = wait_for(lambda: (w := trainers.where()).fallback and w, timeout=10)
    assert where.executor == "local" and where.address == cluster.address
    print(f"the app saw the scheduler gone in {seconds:.1f} s")
    job = trainers.submit(TINY, QUICK, small, owner=learner(store, "Ed"))
    assert [j.id for j in trainers.local.live()] == [job.id]  # trains in this process
    done = trainers.local.wait(job.id, timeout=120)
    assert done.state == jobs.DONE, done.message
    assert row(store, job.id).state == jobs.DONE and row(store, job.id).has_model
    finished, _ = wait_for(lambda: (r := row(store, midway.id)).state in jobs.TERMINAL and r, timeout=60)
    assert finished.state == jobs.DONE and finished.has_model, finished.message
