"""Where a run trains: this process's queue, or a Dask cluster; one interface for both (no TensorFlow).

    trainers = Trainers(registry, DaskExecutor("tcp://10.0.0.5:8786", store, train_run))
    job = trainers.submit(arch, recipe, mnist, token="click-1", owner=key)   # like JobRegistry.submit
    trainers.cancel(job.id); trainers.queue_position(job.id); trainers.where()

The local executor is cnn_core.job_registry.JobRegistry (threads in this process: the embedded
default, zero setup). DaskExecutor inserts the run in the store and submits the task that trains
it (cnn_core.nn.remote.train_run, passed in) with distributed's Client; the worker writes
everything to the store, where every page reads it. Trainers picks one per run: Dask when its
scheduler answers and has workers, else this process's queue (the Train page says so). An
unreachable scheduler is tried again in the background every settings.DASK_RETRY_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cnn_core.architecture import Architecture, TrainingRecipe
from cnn_core.costs import training_refusal
from cnn_core.formulas import layer_table
from cnn_core.job_registry import JobRegistry
from cnn_core.jobs import CANCELLED, Job, TooCostly, new_job_id, owner_hash
from cnn_core.settings import DASK_CONNECT_SECONDS, DASK_RETRY_SECONDS, FINISHED_KEEP_SECONDS
from cnn_core.store import leases, runs
from cnn_core.store.db import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Where:
    """Where the next run would train: 'dask' or 'local'; for Dask, its address and worker count;
    `fallback` when a scheduler is configured but cannot take runs now."""

    executor: str
    address: str | None = None
    workers: int = 0
    fallback: bool = False


class DaskExecutor:
    """Runs on a Dask cluster: each run is one task, `task(run_id, store.url)`, keyed by its run id."""

    def __init__(self, address: str, store: Store, task: Callable, timeout: float = DASK_CONNECT_SECONDS):
        self.address, self.store, self.task, self.timeout = address, store, task, timeout
        self.client = None
        self.workers = 0  # workers the scheduler had at the last look (keep_alive)
        self.tried = 0.0  # when a connection was last tried (time.monotonic)
        self._pending: dict[str, object] = {}  # run id -> Future, until its task has finished
        self._lock = threading.Lock()

    def connect(self) -> bool:
        """Connect to the scheduler (waiting at most `timeout` s); True when it answers."""
        from distributed import Client

        self.tried = time.monotonic()
        old, self.client = self.client, None
        if old is not None:
            old.close(timeout=1)
        try:
            self.client = Client(self.address, timeout=self.timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:  # refused, timed out, or not a Dask address
            log.warning("Dask scheduler %s not reachable: %s", self.address, e)
            return False
        self._count_workers()
        return True

    @property
    def reachable(self) -> bool:
        return self.client is not None and self.client.status == "running"

    def usable(self) -> bool:
        """True when a run submitted now would train on the cluster (a scheduler with workers)."""
        return self.reachable and self.workers > 0

    def _count_workers(self) -> None:
        """Ask the scheduler how many workers it has (waiting at most `timeout` s: a scheduler whose
        machine vanished never answers, and the writer's round must go on)."""
        try:
            info = self.client.sync(self.client.scheduler.identity, n_workers=0, callback_timeout=self.timeout)
            self.workers = int(info.get("n_workers", 0))
        except (OSError, TimeoutError) as e:  # the scheduler went away: training falls back here
            log.warning("Dask scheduler %s stopped answering: %s", self.address, e)
            self.workers = 0

    def submit(self, job: Job) -> None:
        """Insert `job` in the store (queued, no worker yet) and hand it to the cluster.

        Raises cnn_core.store.runs.AlreadyTraining like the local queue; OSError when the scheduler
        refuses it (the run is then withdrawn from the store: the caller trains it elsewhere).
        """
        from distributed import fire_and_forget

        runs.insert(self.store, job, worker="")
        try:
            future = self.client.submit(self.task, job.id, self.store.url, key=f"train-{job.id}", pure=False)
        except Exception as e:
            leases.withdraw(self.store, job.id)  # never started: the caller submits it elsewhere
            raise OSError(f"the Dask scheduler did not take the run: {e}") from e
        fire_and_forget(future)  # the run trains even if this app process stops meanwhile
        with self._lock:
            self._pending[job.id] = future

    def has(self, run_id: str) -> bool:
        with self._lock:
            return run_id in self._pending

    def cancel(self, run_id: str) -> None:
        """A run cancelled while it waited in Dask's queue leaves that queue. A run a worker has claimed
        keeps its task: the worker reads the store's cancel request and stops after its batch."""
        with self._lock:
            future = self._pending.get(run_id)
        if future is not None and leases.worker_of(self.store, run_id) == (CANCELLED, ""):
            self.client.cancel([future], force=True)  # force: fire_and_forget also holds the task
            with self._lock:
                self._pending.pop(run_id, None)

    def keep_alive(self) -> None:
        """Each round of the app's RunWriter: heartbeat the runs waiting in Dask's queue (so they are
        not taken for dead), forget finished ones, count the workers, retry a lost scheduler."""
        if not self.reachable:
            with self._lock:
                self._pending.clear()  # lost with the scheduler: their heartbeat stops, they go stale
            self.workers = 0
            if time.monotonic() - self.tried >= DASK_RETRY_SECONDS:
                self.connect()
            return
        with self._lock:
            for rid in [r for r, f in self._pending.items() if f.done()]:
                del self._pending[rid]
            waiting = list(self._pending)
        leases.touch(self.store, waiting)
        self._count_workers()


class Trainers:
    """The one job interface the app uses: Dask when configured and usable, else the local queue."""

    def __init__(self, local: JobRegistry, dask: DaskExecutor | None = None):
        self.local, self.dask = local, dask
        self._by_token: dict[str, Job] = {}  # a double click submits one run, on Dask too
        self._lock = threading.Lock()
        if dask is not None:
            dask.connect()
            if local.writer is not None:  # its rounds keep Dask's queued runs alive and retry the scheduler
                local.writer.also.append(dask.keep_alive)
                local.writer.start()

    def where(self) -> Where:
        if self.dask is None:
            return Where("local")
        if self.dask.usable():
            return Where("dask", self.dask.address, self.dask.workers)
        return Where("local", self.dask.address, self.dask.workers, fallback=True)

    def submit(
        self, arch: Architecture, recipe: TrainingRecipe, mnist, token: str | None = None, owner: str | None = None
    ) -> Job:
        """Train a run where `where()` says; the same arguments and errors as JobRegistry.submit."""
        if self.dask is not None and self.dask.usable():
            refusal = training_refusal(layer_table(arch), recipe)
            if refusal:
                raise TooCostly(refusal)
            with self._lock:
                earlier = self._by_token.get(token) if token is not None else None
                if earlier is not None:
                    return earlier
                job = Job(new_job_id(), arch, recipe, token=token, owner=owner_hash(owner))
                try:
                    self.dask.submit(job)
                except OSError as e:
                    log.warning("training run %s here instead: %s", job.id, e)
                else:
                    if token is not None:
                        self._by_token[token] = job
                        self._forget_old_tokens()
                    return job
        return self.local.submit(arch, recipe, mnist, token=token, owner=owner)

    def _forget_old_tokens(self) -> None:
        """Keep a click's token only as long as a double click could repeat it (lock held)."""
        old = [t for t, j in self._by_token.items() if time.time() - j.created > FINISHED_KEEP_SECONDS]
        for t in old:
            del self._by_token[t]

    def cancel(self, run_id: str) -> None:
        """Stop a run at its next batch (a queued one never starts). The store's cancel request
        (cnn_core.store.runs.request_cancel) reaches runs trained by other processes and machines."""
        if self.dask is not None:
            self.dask.cancel(run_id)
        self.local.cancel(run_id)

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next run to start in this process's queue; None otherwise (e.g. queued on Dask)."""
        return self.local.queue_position(run_id)

    def on_dask(self, run_id: str) -> bool:
        """True for a run this process handed to the Dask cluster and that has not finished there."""
        return self.dask is not None and self.dask.has(run_id)
