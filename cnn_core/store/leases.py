"""Who trains a run, seen from the store: claiming a queued run, heartbeats, a machine that stopped.

A run trained on a Dask worker is inserted by the app (state queued, no worker), claimed by the
worker that starts it (`claim`: at most one does), written by that worker's RunWriter every second
(its heartbeat), and marked interrupted when its machine stops: at once when Dask runs the task again
elsewhere (`stopped`), else when its heartbeat is older than settings.stale_seconds()
(cnn_core.store.runs.interrupt). While it waits in Dask's queue the app keeps it alive (`touch`).
"""

from __future__ import annotations

import time

from sqlalchemy import delete, select, update

from cnn_core import jobs
from cnn_core.store.db import Store
from cnn_core.store.runs import STOPPED_MESSAGE
from cnn_core.store.tables import Run


def claim(store: Store, run_id: str, worker: str) -> bool:
    """Take a queued run to train it as `worker` (a Dask worker); False when it is no longer queued
    (cancelled, interrupted, deleted, or claimed already): then nobody must train it here."""
    with store.lock, store.session("start the run") as s:
        hit = s.execute(
            update(Run)
            .where(Run.id == run_id, Run.state == jobs.QUEUED, Run.active.is_(True))
            .values(state=jobs.RUNNING, worker=worker, heartbeat=time.time())
        )
        return bool(hit.rowcount)


def stopped(store: Store, run_id: str, worker: str) -> bool:
    """Mark `run_id` interrupted if `worker` still holds it: the machine training it stopped."""
    with store.lock, store.session("mark the run interrupted") as s:
        hit = s.execute(
            update(Run)
            .where(Run.id == run_id, Run.active.is_(True), Run.worker == worker)
            .values(state=jobs.INTERRUPTED, active=False, message=STOPPED_MESSAGE, finished=time.time())
        )
        return bool(hit.rowcount)


def worker_of(store: Store, run_id: str) -> tuple[str, str] | None:
    """(state, worker) of a run, or None when there is no such run."""
    with store.session("read the run") as s:
        row = s.execute(select(Run.state, Run.worker).where(Run.id == run_id)).first()
    return None if row is None else (row[0], row[1])


def touch(store: Store, run_ids: list[str]) -> None:
    """Keep queued runs alive (heartbeat now) while they wait in another queue (a Dask scheduler's)."""
    if run_ids:
        with store.lock, store.session("save the queue's heartbeat") as s:
            s.execute(
                update(Run)
                .where(Run.id.in_(run_ids), Run.state == jobs.QUEUED, Run.active.is_(True))
                .values(heartbeat=time.time())
            )


def withdraw(store: Store, run_id: str) -> None:
    """Delete a run that was inserted but never handed to anyone (its scheduler refused it)."""
    with store.lock, store.session("withdraw the run") as s:
        s.execute(delete(Run).where(Run.id == run_id, Run.state == jobs.QUEUED, Run.worker == ""))
