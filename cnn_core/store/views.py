"""The teacher's tables: a class's learners and runs, its leaderboard, the server's queue, CSV export.

Each is one query returning plain dicts (no curves, no weights), so the Teacher page stays fast with
a full class (bench: 30 learners x 5 runs).
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from cnn_core import jobs
from cnn_core.store.db import Store
from cnn_core.store.tables import ClassRoom, Drawing, Learner, Run

RUN_COLUMNS = (
    "nickname",
    "run",
    "state",
    "progress",
    "test accuracy",
    "weights",
    "optimizer",
    "learning rate",
    "batch",
    "epochs",
    "images",
    "loss",
    "val accuracy",
    "seconds",
    "precision",
    "id",
)


def _row(run: Run, nickname: str | None) -> dict:
    r = run.recipe or {}
    total = max(1, run.steps_per_epoch * int(r.get("epochs", 1)))
    done = max(0, run.last_epoch - 1) * run.steps_per_epoch + run.last_batch if run.last_epoch else 0
    last = run.history[-1] if run.history else {}
    seconds = (run.finished - run.started) if run.finished and run.started else None
    return {
        "nickname": nickname or "(alone)",
        "run": run.number,
        "state": run.state,
        "progress": 1.0 if run.state == jobs.DONE else round(min(1.0, done / total), 3),
        "test accuracy": run.test_accuracy,
        "weights": run.n_params,
        "optimizer": r.get("optimizer"),
        "learning rate": r.get("learning_rate"),
        "batch": r.get("batch_size"),
        "epochs": r.get("epochs"),
        "images": r.get("train_size"),
        "loss": r.get("loss"),
        "val accuracy": last.get("val_accuracy"),
        "seconds": None if seconds is None else round(seconds, 1),
        "precision": run.precision or None,
        "id": run.id,
        "learner_id": run.learner_id,
        "created": run.created,
    }


def class_runs(store: Store, class_id: int) -> list[dict]:
    """Every run of the class, newest first, one dict per run (keys: RUN_COLUMNS and learner_id, created)."""
    with store.session("read the class's runs") as s:
        rows = s.execute(
            select(Run, Learner.nickname)
            .join(Learner, Learner.id == Run.learner_id)
            .where(Run.class_id == class_id)
            .order_by(Run.created.desc())
        ).all()
    return [_row(run, nick) for run, nick in rows]


def leaderboard(rows: list[dict], top: int | None = None) -> list[dict]:
    """Scored runs by test accuracy, best first; ties go to the run with fewer weights."""
    scored = [r for r in rows if r["test accuracy"] is not None]
    scored.sort(key=lambda r: (-r["test accuracy"], r["weights"], r["created"]))
    return scored[:top] if top else scored


def learners_table(store: Store, class_id: int) -> list[dict]:
    """One dict per learner of the class: nickname, runs, drawings, joined."""
    with store.session("read the class") as s:
        n_runs = (
            select(Run.learner_id, func.count().label("n")).where(Run.class_id == class_id).group_by(Run.learner_id)
        ).subquery()
        n_draw = (
            select(Drawing.learner_id, func.count().label("n"))
            .where(Drawing.class_id == class_id)
            .group_by(Drawing.learner_id)
        ).subquery()
        rows = s.execute(
            select(Learner.id, Learner.nickname, Learner.created, n_runs.c.n, n_draw.c.n)
            .outerjoin(n_runs, n_runs.c.learner_id == Learner.id)
            .outerjoin(n_draw, n_draw.c.learner_id == Learner.id)
            .where(Learner.class_id == class_id)
            .order_by(Learner.created)
        ).all()
    return [
        {"nickname": nick, "runs": runs or 0, "drawings": draws or 0, "joined": created, "learner_id": lid}
        for lid, nick, created, runs, draws in rows
    ]


def queue(store: Store) -> list[dict]:
    """Every queued or running run on the server (all classes and learners working alone), oldest first."""
    with store.session("read the training queue") as s:
        rows = s.execute(
            select(Run, Learner.nickname, ClassRoom.code)
            .join(Learner, Learner.id == Run.learner_id)
            .outerjoin(ClassRoom, ClassRoom.id == Run.class_id)
            .where(Run.active.is_(True))
            .order_by(Run.created)
        ).all()
    return [{**_row(run, nick), "class": code or "-"} for run, nick, code in rows]


def runs_csv(rows: list[dict]) -> bytes:
    """The runs table as CSV (UTF-8), columns RUN_COLUMNS."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=RUN_COLUMNS, extrasaction="ignore")
    w.writeheader()
    w.writerows({k: _cell(v) for k, v in r.items()} for r in rows)
    return buf.getvalue().encode()


def _cell(v):
    """A spreadsheet never runs a nickname as a formula (OWASP's CSV-injection advice)."""
    return "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
