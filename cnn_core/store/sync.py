"""Keeps the store in step with this process's training queue (cnn_core.job_registry).

    writer = RunWriter(store, worker="host:8501")
    registry = JobRegistry(train, writer=writer)

`submitted(job)` writes a new run (refusing a second active run of one learner); a background thread
writes every live job's progress every `interval` seconds in one short transaction (so training
never waits on the database), picks up cancel requests made by other processes (a teacher) and the
teacher's "runs at once" setting; `ended(job)` writes the final state and the trained weights.
Each round also marks interrupted the runs whose trainer went silent (settings.stale_seconds()),
wherever they trained, and calls the `also` hooks (the Dask executor keeps its queued runs alive).
A Dask worker uses the same writer for the runs it trains (cnn_core.nn.remote).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from cnn_core import jobs
from cnn_core.settings import stale_seconds
from cnn_core.store import runs, settings_table
from cnn_core.store.db import Store, StoreError

log = logging.getLogger(__name__)


def worker_name(port: int | str | None = None) -> str:
    """This process as the store names it: host and port (a restarted server keeps its name)."""
    return f"{socket.gethostname()}:{port or os.environ.get('STREAMLIT_SERVER_PORT', '8501')}"


class RunWriter:
    def __init__(self, store: Store, worker: str | None = None, interval: float = 1.0, follow_settings=True):
        self.store = store
        self.worker = worker or worker_name()
        self.interval = interval
        self.follow_settings = follow_settings  # the teacher's "runs at once" (not on a Dask worker)
        self.also: list = []  # more work for each round, e.g. the Dask executor's keep_alive
        self.registry = None
        self._thread: threading.Thread | None = None
        self._unsaved: dict[str, jobs.Job] = {}  # ended runs whose final write failed: retried every round

    def attach(self, registry) -> None:
        """Called by the registry; marks runs this process left behind at its last stop as interrupted."""
        self.registry = registry
        try:
            runs.interrupt(self.store, worker=self.worker)
        except StoreError as e:
            log.warning("could not check for interrupted runs: %s", e)

    def submitted(self, job: jobs.Job) -> None:
        runs.insert(self.store, job, worker=self.worker)
        self._ensure_thread()

    def ended(self, job: jobs.Job) -> None:
        # the final write matters most: retry a busy database, then keep trying every round, so a
        # database that was away for a while does not leave the run 'training' (and its learner blocked)
        if not self._flush(job, final=True, attempts=3):
            self._unsaved[job.id] = job
            self._ensure_thread()

    def _flush(self, job: jobs.Job, final: bool = False, attempts: int = 1) -> bool:
        """Write `job` to the store; True when it was written."""
        for attempt in range(attempts):
            try:
                if runs.flush(self.store, job, self.worker, final=final) and job.state not in jobs.TERMINAL:
                    self.registry.cancel(job.id)  # asked by another process (the teacher's page)
                return True
            except StoreError as e:
                log.warning("could not write run %s (attempt %d): %s", job.id, attempt + 1, e)
                if attempt + 1 < attempts:
                    time.sleep(1.0)
        return False

    def start(self) -> None:
        """Run the rounds from now on, even while this process trains nothing (a Dask executor)."""
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="run-writer", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self._round()
            except Exception:  # noqa: BLE001 - one bad round must not end progress writes for every run
                log.exception("the run writer's round failed; trying again in %s s", self.interval)

    def _round(self) -> None:
        for job in self.registry.live():
            self._flush(job)
        for job in list(self._unsaved.values()):
            if self._flush(job, final=True):
                self._unsaved.pop(job.id, None)
        if self.follow_settings:
            self._apply_settings()
        runs.interrupt(self.store, stale_after=stale_seconds())  # runs whose process or machine died
        for hook in self.also:
            hook()

    def _apply_settings(self) -> None:
        try:
            n = settings_table.get(self.store, settings_table.MAX_JOBS)
        except StoreError:
            return
        if isinstance(n, int) and n >= 1 and n != self.registry.max_jobs:
            self.registry.set_max_jobs(n)
