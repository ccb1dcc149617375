"""The Dask task that trains one run: `train_run(run_id, db_url)`, run on a Dask worker.

The app inserts the run in the store (queued) and submits this function by reference
(cnn_core.executor.DaskExecutor), so a worker needs this repository importable (PYTHONPATH) and
the database reachable. On the worker it:

- claims the run (cnn_core.store.leases.claim): a run cancelled while it waited, or claimed by
  another worker, is not trained. A run already claimed by another worker means Dask runs this task
  again because that worker died: the run is marked interrupted at once ("the machine training this
  run stopped"), for its learner to restart;
- reads MNIST from this machine's cache (cnn_core.data.load_mnist, fetching it if missing; once per
  worker process) and trains with the runner the app uses (cnn_core.nn.runner.train);
- writes progress, a heartbeat, the results and the weights through one RunWriter per worker
  process (cnn_core.store.sync), which reads the run's cancel request every second and sets the
  job's in-memory cancel flag; the runner's callback checks that flag after every batch.

Importing this module does not import TensorFlow (the app imports it to name the task).
"""

from __future__ import annotations

import functools
import threading

from cnn_core import jobs
from cnn_core.store import leases
from cnn_core.store import runs as stored
from cnn_core.store.sync import RunWriter

_RUNNING: dict[str, jobs.Job] = {}  # the runs this worker process trains now
_LOCK = threading.Lock()


class _ThisWorker:
    """What the RunWriter needs of a registry: the runs training in this process, and how to stop one."""

    max_jobs = 1

    def live(self) -> list[jobs.Job]:
        with _LOCK:
            return [j for j in _RUNNING.values() if j.state not in jobs.TERMINAL]

    def cancel(self, run_id: str) -> None:
        with _LOCK:
            job = _RUNNING.get(run_id)
        if job is not None:
            job._cancel.set()  # the runner stops after the batch it is in

    def set_max_jobs(self, n: int) -> None:
        """Dask decides how many runs a worker trains (its threads), not the teacher's setting."""


@functools.cache
def _writer(db_url: str, worker: str) -> RunWriter:
    """This process's one writer for `db_url` (opened and checked once)."""
    from cnn_core.store.migrate import open_store

    writer = RunWriter(open_store(db_url), worker=worker, follow_settings=False)
    writer.registry = _ThisWorker()  # not attach(): that would interrupt runs of this worker's name
    return writer


@functools.cache
def _mnist():
    """MNIST from this machine's cache, fetched the usual way if missing; read once per process."""
    from cnn_core.data import load_mnist

    return load_mnist()


def _train(job: jobs.Job, _mnist_unused, callbacks=()) -> None:
    from cnn_core.nn.runner import train

    train(job, _mnist(), callbacks)  # a missing MNIST fails the run with its message, like any fault


def worker_label() -> str:
    """How the store names this Dask worker (its address: unique while it lives)."""
    from distributed import get_worker

    return f"dask {get_worker().address}"


def train_run(run_id: str, db_url: str, worker: str | None = None) -> str:
    """Train the stored run `run_id` here; returns the state it ended in (or why it was not trained)."""
    worker = worker or worker_label()
    writer = _writer(db_url, worker)
    job = stored.load(writer.store, run_id, curve=False)
    if job is None:
        return "gone"
    if not leases.claim(writer.store, run_id, worker):
        now = leases.worker_of(writer.store, run_id)
        if now is not None and now[0] == jobs.RUNNING and now[1] != worker:
            leases.stopped(writer.store, run_id, now[1])  # Dask re-ran it: the machine it ran on died
            return jobs.INTERRUPTED
        return now[0] if now else "gone"
    with _LOCK:
        _RUNNING[job.id] = job
    writer.start()
    try:
        jobs.run_job(job, None, _train)
        writer.ended(job)
    finally:
        with _LOCK:
            _RUNNING.pop(job.id, None)
            idle = not _RUNNING
        job._settled.set()
        if idle:
            from cnn_core.nn.runner import release_memory

            release_memory()
    return job.state
