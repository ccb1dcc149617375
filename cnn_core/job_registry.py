"""The registry of training jobs: a concurrency limit, a FIFO queue, bounded memory of finished jobs.

See cnn_core.jobs for the record it holds; the training itself is passed in (cnn_core.nn.runner.train).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import Callable

from cnn_core.architecture import Architecture, TrainingRecipe
from cnn_core.costs import training_refusal
from cnn_core.formulas import layer_table
from cnn_core.jobs import (
    CANCELLED,
    RUNNING,
    TERMINAL,
    Job,
    TooCostly,
    Trainer,
    is_job_id,
    new_job_id,
    owner_hash,
    run_job,
)
from cnn_core.settings import FINISHED_KEEP, FINISHED_KEEP_SECONDS, default_max_jobs


def _label(recipe: TrainingRecipe, n: int) -> str:
    return (
        f"Run {n}: {recipe.optimizer} lr={recipe.learning_rate:g}, batch {recipe.batch_size}, "
        f"{recipe.epochs} ep, {recipe.train_size:,} images, {recipe.loss.replace('_', ' ')}"
    )


class JobRegistry:
    """Every job of the server process; at most `max_jobs` run at once, the rest wait in FIFO order.

    Queued and running jobs are held here; a finished one for `keep_seconds` and among the `keep`
    latest, then only by whoever else holds it (`jobs` is a weak mapping: a session that still shows
    a run can find it by id, and a run nobody holds is freed with its weights).
    """

    def __init__(
        self,
        train: Trainer,
        max_jobs: int | None = None,
        keep: int = FINISHED_KEEP,
        keep_seconds=FINISHED_KEEP_SECONDS,
        when_idle: Callable[[], object] | None = None,
        writer=None,
    ):
        self.train = train  # how a job is trained: cnn_core.nn.runner.train, in the worker thread
        self.when_idle = when_idle  # called when the last running job ends (cnn_core.nn.runner.release_memory)
        self.max_jobs = max_jobs or default_max_jobs()
        self.writer = writer  # cnn_core.store.sync.RunWriter: keeps the store in step (None: memory only)
        self.keep, self.keep_seconds = keep, keep_seconds
        self.jobs: weakref.WeakValueDictionary[str, Job] = weakref.WeakValueDictionary()
        self._kept: dict[str, Job] = {}
        self._by_token: dict[str, str] = {}
        self._runs_of: dict[str | None, int] = {}  # runs submitted per owner, for their labels
        self._queue: deque[str] = deque()
        self._inputs: dict[str, tuple] = {}
        self._running = 0
        self._lock = threading.Lock()
        if writer is not None:
            writer.attach(self)

    def submit(
        self,
        arch: Architecture,
        recipe: TrainingRecipe,
        mnist,
        token: str | None = None,
        callbacks=(),
        owner: str | None = None,
    ) -> Job:
        """Queue a training job (starts now if a slot is free). A repeated `token` returns the first job.

        `owner` is the submitter's secret key (see Job.owned_by); runs are numbered per owner from 1.
        Raises TooCostly when the network or recipe is beyond this server's limits.
        """
        refusal = training_refusal(layer_table(arch), recipe)
        if refusal:
            raise TooCostly(refusal)
        with self._lock:
            earlier = self.jobs.get(self._by_token.get(token)) if token is not None else None
            if earlier is not None:
                return earlier
            who = owner_hash(owner)
            n = self._runs_of[who] = self._runs_of.get(who, 0) + 1
            job = Job(new_job_id(), arch, recipe, token=token, owner=who, label=_label(recipe, n))
            if self.writer is not None:
                self.writer.submitted(job)  # may refuse (a second active run of one learner): nothing queued
            self.jobs[job.id] = self._kept[job.id] = job
            if token is not None:
                self._by_token[token] = job.id
            self._inputs[job.id] = (mnist, tuple(callbacks))
            self._queue.append(job.id)
            self._prune()
        self._dispatch()
        return job

    def get(self, job_id: str | None) -> Job | None:
        if not is_job_id(job_id):
            return None
        with self._lock:
            self._prune()
            return self.jobs.get(job_id)

    def by_token(self, token: str) -> Job | None:
        return self.get(self._by_token.get(token))

    def jobs_of(self, owner: str | None) -> list[Job]:
        """The jobs submitted with this owner key that are still on the server, oldest first."""
        who = owner_hash(owner)
        found = [j for j in list(self.jobs.values()) if who is not None and j.owner == who]
        return sorted(found, key=lambda j: j.created)

    def live(self) -> list[Job]:
        """The jobs queued or running in this process."""
        with self._lock:
            return [j for j in self._kept.values() if j.state not in TERMINAL]

    def set_max_jobs(self, n: int) -> None:
        """Train up to `n` runs at once from now on (running ones are never stopped)."""
        self.max_jobs = max(1, int(n))
        self._dispatch()

    def _prune(self) -> None:
        """Let go of finished jobs beyond the newest `keep` or older than `keep_seconds` (lock held)."""
        now = time.time()
        finished = sorted((j for j in self._kept.values() if j.state in TERMINAL), key=lambda j: j.finished or 0)
        for i, j in enumerate(finished):
            if i < len(finished) - self.keep or now - (j.finished or now) > self.keep_seconds:
                del self._kept[j.id]
        for token, jid in list(self._by_token.items()):
            if jid not in self.jobs:
                del self._by_token[token]

    def queue_position(self, job_id: str) -> int | None:
        """1 for the next job to start; None when not queued."""
        with self._lock:
            return self._queue.index(job_id) + 1 if job_id in self._queue else None

    def cancel(self, job_id: str) -> None:
        """Stop at the next batch (keeping the weights learned so far); a queued job never starts."""
        job = self.get(job_id)
        if job is None:
            return
        with self._lock:
            if job_id in self._queue:
                self._queue.remove(job_id)
                self._inputs.pop(job_id, None)
                job.state, job.message, job.finished = CANCELLED, "Cancelled before it started.", time.time()
                if self.writer is not None:
                    self.writer.ended(job)
                job._settled.set()
                return
        job._cancel.set()

    def wait(self, job_id: str, timeout: float = 60) -> Job:
        """Block until the job reaches a final state and is written to the store (for tests and scripts)."""
        job = self.jobs[job_id]
        job._settled.wait(timeout)
        return job

    def _dispatch(self) -> None:
        with self._lock:
            while self._running < self.max_jobs and self._queue:
                jid = self._queue.popleft()
                self._running += 1
                job = self.jobs[jid]
                job.state = RUNNING
                mnist, cbs = self._inputs.pop(jid)
                threading.Thread(target=self._worker, args=(job, mnist, cbs), name=f"train-{jid}", daemon=True).start()

    def _worker(self, job: Job, mnist, callbacks) -> None:
        try:
            run_job(job, mnist, self.train, callbacks)
            if self.writer is not None:
                self.writer.ended(job)
        finally:
            job._settled.set()
            with self._lock:
                self._running -= 1
                self._prune()
                idle = self._running == 0 and not self._queue
            if idle and self.when_idle is not None:
                self.when_idle()  # nothing is training now: safe to drop what training left behind
            self._dispatch()
