"""Training runs in the store: a cnn_core.jobs.Job written as rows, and read back as a Job.

Whoever trains a run (this process's thread, or another machine) writes it with `insert`, `flush`
and `finish`; every page reads it with `load` / `of_learner`, so a run looks the same whichever
process trained it. The per-batch curve is thinned to about MAX_POINTS points per run.
"""

from __future__ import annotations

import io
import math
import time

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from cnn_core import jobs
from cnn_core.architecture import Architecture, TrainingRecipe
from cnn_core.formulas import layer_table
from cnn_core.settings import runs_kept
from cnn_core.store import learners
from cnn_core.store.db import Store
from cnn_core.store.tables import Learner, Run, RunModel, RunPoint

MAX_POINTS = 600  # per-batch points kept per run (the charts thin to 400)
STALE_SECONDS = 60.0  # default of settings.stale_seconds(): an active run silent this long is interrupted
INTERRUPTED_MESSAGE = (
    "Interrupted by a server restart: the process training this run stopped before it finished, "
    "so it has no trained model. Press 'Restart it' to train it again with the same settings."
)
STOPPED_MESSAGE = (
    "Interrupted: the machine training this run stopped before it finished, so it has no trained model. "
    "Press 'Restart it' to train it again with the same settings."
)


class AlreadyTraining(ValueError):
    """This learner already has a run queued or training (one at a time, even across tabs)."""


def label_for(recipe: TrainingRecipe, n: int) -> str:
    return (
        f"Run {n}: {recipe.optimizer} lr={recipe.learning_rate:g}, batch {recipe.batch_size}, "
        f"{recipe.epochs} ep, {recipe.train_size:,} images, {recipe.loss.replace('_', ' ')}"
    )


def learner_of(store: Store, owner: str | None) -> Learner | None:
    """The learner whose token hashes to `owner` (cnn_core.jobs.owner_hash), if any."""
    if owner is None:
        return None
    with store.session("find your runs") as s:
        return s.scalar(select(Learner).where(Learner.token_hash == owner))


def insert(store: Store, job: jobs.Job, worker: str = "") -> list[str]:
    """Write a newly submitted `job` (its owner must be a learner); set its number and label.

    Keeps at most settings.runs_kept() runs per learner: the oldest finished ones are deleted to
    make room, and their ids returned. Raises AlreadyTraining when this learner has a run queued or
    training already.
    """
    learner = learner_of(store, job.owner)
    if learner is None:  # someone working alone keeps their first run: they become a personal learner
        learner = learners.personal_by_hash(store, job.owner or jobs.owner_hash(learners.new_token()))
    with store.lock, store.session("save your new run") as s:
        n = (s.scalar(select(func.max(Run.number)).where(Run.learner_id == learner.id)) or 0) + 1
        job.learner_id, job.class_id, job.number = learner.id, learner.class_id, n
        job.label = label_for(job.recipe, n)
        done = s.scalars(
            select(Run.id).where(Run.learner_id == learner.id, Run.active.is_(False)).order_by(Run.created)
        ).all()
        dropped = list(done[: max(0, len(done) - (runs_kept() - 1))])
        if dropped:
            s.execute(delete(Run).where(Run.id.in_(dropped)))
        s.add(
            Run(
                id=job.id,
                learner_id=learner.id,
                class_id=learner.class_id,
                number=n,
                label=job.label,
                token=job.token,
                arch=job.arch.to_dict(),
                recipe=job.recipe.to_dict(),
                n_params=layer_table(job.arch).total_params,
                state=job.state,
                active=True,
                created=job.created,
                worker=worker,
                heartbeat=time.time(),
            )
        )
        try:
            s.flush()
        except IntegrityError as e:
            raise AlreadyTraining(
                "You already have a run queued or training (perhaps started in another tab). "
                "Wait for it to finish or cancel it, then start the next one."
            ) from e
    return dropped


def _stride(job: jobs.Job) -> int:
    return max(1, math.ceil(job.total_steps / MAX_POINTS)) if job.total_steps else 1


def _npy(arrays: list[np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.stack(arrays).astype(np.float32), allow_pickle=False)
    return buf.getvalue()


def flush(store: Store, job: jobs.Job, worker: str = "", final: bool = False) -> bool:
    """Write what `job` did since the last flush; returns True when a cancel was requested in the store.

    Per-batch points are thinned to every `_stride` batches (epoch ends always kept); the latest
    batch always reaches the run's `last_*` columns, so the progress bars are exact.
    """
    # One flush of a job at a time (the writer's round and the run's end may meet), over a snapshot:
    # what training adds meanwhile is written by the next flush, never skipped.
    with store.lock:
        return _flush(store, job, worker, final)


def _flush(store: Store, job: jobs.Job, worker: str, final: bool) -> bool:
    sent, n_events, n_kernels = getattr(job, "_flushed", 0), len(job.events), len(job.kernels)
    events = job.events[:n_events]
    new = events[sent:]
    stride = _stride(job)
    last = next((e for e in reversed(events) if e.kind in ("batch", "epoch")), None)
    start = next((e for e in events if e.kind == "start"), None)
    points = [
        RunPoint(
            run_id=job.id,
            seq=e.seq,
            kind=e.kind,
            epoch=e.epoch,
            batch=e.batch,
            loss=_num(e.logs.get("loss")),
            accuracy=_num(e.logs.get("accuracy")),
            time=e.time,
        )
        for e in new
        if e.kind != "batch" or ((e.epoch - 1) * job.steps_per_epoch + e.batch) % stride == 0
    ]
    values = dict(
        state=job.state,
        active=job.state not in jobs.TERMINAL,
        message=job.message,
        phase=job.phase,
        phase_seconds=dict(job.phase_seconds),
        precision=job.precision,
        precision_reason=job.precision_reason,
        steps_per_epoch=job.steps_per_epoch,
        n_train=job.n_train,
        started=job.started,
        finished=job.finished,
        test_loss=job.test_loss,
        test_accuracy=job.test_accuracy,
        history=[{k: _json_safe(v) for k, v in h.items()} for h in job.history],
        heartbeat=time.time(),
        worker=worker,
    )
    if last is not None:
        values.update(last_epoch=last.epoch, last_batch=last.batch, last_time=last.time)
    if start is not None:
        values["fit_start"] = start.time
    if n_kernels != getattr(job, "_kernels_sent", 0) and n_kernels:
        values["kernels"] = _npy(job.kernels[:n_kernels])
    with store.session("save the run's progress") as s:
        # a run marked interrupted stays so (its learner may have restarted it already): stop training it
        alive = update(Run).where(Run.id == job.id, Run.state != jobs.INTERRUPTED)
        if not s.execute(alive.values(**values)).rowcount:
            return True  # the run was deleted or marked interrupted while it trained: stop training it
        s.add_all(points)
        if final and job.weights is not None:
            s.merge(RunModel(run_id=job.id, weights=job.weights))
        cancel = s.scalar(select(Run.cancel_requested).where(Run.id == job.id))
    job._flushed, job._kernels_sent = n_events, n_kernels
    if final and job.weights is not None:
        job.model_stored = True
    return bool(cancel)


def _num(x) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _json_safe(v):
    """NaN and infinity as null: JSON has no such numbers (PostgreSQL refuses them; SQLite kept them)."""
    return None if isinstance(v, float) and not math.isfinite(v) else v


def save_score(store: Store, job: jobs.Job) -> None:
    """Write a run's test numbers (a cancelled run scored when its learner asked)."""
    with store.lock, store.session("save the run's score") as s:
        s.execute(update(Run).where(Run.id == job.id).values(test_loss=job.test_loss, test_accuracy=job.test_accuracy))


def request_cancel(store: Store, run_id: str) -> str | None:
    """Ask whoever trains `run_id` to stop at its next batch; returns the run's state (None: no such run).

    A queued run that no process has started yet is cancelled at once.
    """
    with store.lock, store.session("cancel the run") as s:
        row = s.get(Run, run_id)
        if row is None:
            return None
        if row.active:
            row.cancel_requested = True
            if row.state == jobs.QUEUED and not row.worker:
                row.state, row.active, row.finished = jobs.CANCELLED, False, time.time()
                row.message = "Cancelled before it started."
        return row.state


def interrupt(store: Store, worker: str | None = None, stale_after: float | None = None) -> int:
    """Mark as interrupted the active runs of `worker` (a restarted process) or whose heartbeat is
    older than `stale_after` seconds (a process that died). Returns how many were marked."""
    cond = []
    if worker is not None:
        cond.append(Run.worker == worker)
    if stale_after is not None:
        cond.append(Run.heartbeat < time.time() - stale_after)
    if not cond:
        return 0
    message = INTERRUPTED_MESSAGE if worker is not None else STOPPED_MESSAGE
    with store.lock, store.session("check for interrupted runs") as s:
        hit = s.execute(
            update(Run)
            .where(Run.active.is_(True), *cond)
            .values(state=jobs.INTERRUPTED, active=False, message=message, finished=time.time())
        )
        return hit.rowcount or 0


def _job(row: Run, owner: str | None, points: list[RunPoint] | None, has_model: bool) -> jobs.Job:
    job = jobs.Job(
        id=row.id,
        arch=Architecture.from_dict(row.arch),
        recipe=TrainingRecipe.from_dict(row.recipe),
        token=row.token,
        owner=owner,
        label=row.label,
        learner_id=row.learner_id,
        class_id=row.class_id,
        number=row.number,
        state=row.state,
        message=row.message,
        history=list(row.history or []),
        steps_per_epoch=row.steps_per_epoch,
        n_train=row.n_train,
        created=row.created,
        started=row.started,
        finished=row.finished,
        test_loss=row.test_loss,
        test_accuracy=row.test_accuracy,
        precision=row.precision,
        precision_reason=row.precision_reason,
        phase=row.phase,
        phase_seconds=dict(row.phase_seconds or {}),
        model_stored=has_model,
    )
    if row.kernels:
        job.kernels = list(np.load(io.BytesIO(row.kernels), allow_pickle=False))
    if points is not None:
        job.events = [
            jobs.Event(p.seq, p.kind, p.epoch, p.batch, {"loss": p.loss, "accuracy": p.accuracy}, p.time)
            for p in points
        ]
        if row.fit_start and not any(e.kind == "start" for e in job.events):
            job.events.insert(0, jobs.Event(-1, "start", time=row.fit_start))
        # the latest batch may fall between the thinned points: add it, so progress() is exact
        last = next((e for e in reversed(job.events) if e.kind in ("batch", "epoch")), None)
        if row.last_epoch and (last is None or (last.epoch, last.batch) < (row.last_epoch, row.last_batch)):
            job.events.append(jobs.Event(10**9, "batch", row.last_epoch, row.last_batch, {}, row.last_time))
    return job


def load(store: Store, run_id: str, curve: bool = True) -> jobs.Job | None:
    """The run `run_id` as a Job (with its curve when `curve`), or None. Its weights are read only
    when its model is first needed (`job.fetch_weights`)."""
    if not jobs.is_job_id(run_id):
        return None
    with store.session("read the run") as s:
        row = s.get(Run, run_id)
        if row is None:
            return None
        owner = s.scalar(select(Learner.token_hash).where(Learner.id == row.learner_id))
        has_model = s.scalar(select(func.count()).where(RunModel.run_id == run_id)) > 0
        points = s.scalars(select(RunPoint).where(RunPoint.run_id == run_id).order_by(RunPoint.seq)).all()
    job = _job(row, owner, list(points) if curve else None, has_model)
    job.fetch_weights = lambda: weights(store, run_id)
    return job


def of_learner(store: Store, owner: str | None) -> list[jobs.Job]:
    """Every run of the learner with this owner hash, oldest first, without curves."""
    if owner is None:
        return []
    with store.session("read your runs") as s:
        rows = s.execute(
            select(Run, RunModel.run_id)
            .join(Learner, Learner.id == Run.learner_id)
            .outerjoin(RunModel, RunModel.run_id == Run.id)
            .where(Learner.token_hash == owner)
            .order_by(Run.created)
        ).all()
    out = []
    for row, model_id in rows:
        job = _job(row, owner, None, model_id is not None)
        job.fetch_weights = lambda rid=row.id: weights(store, rid)
        out.append(job)
    return out


def weights(store: Store, run_id: str) -> bytes:
    with store.session("read the run's model") as s:
        data = s.scalar(select(RunModel.weights).where(RunModel.run_id == run_id))
    if data is None:
        raise LookupError(f"run {run_id} has no stored model")
    return data
