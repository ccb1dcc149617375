"""The store's tables (SQLAlchemy 2 ORM): classes, learners, runs with their progress and models, drawings,
lesson links.

Times are Unix seconds (float). Arrays are stored as bytes (`.npy` for kernels, raw uint8 for drawings);
the trained network as its `.weights.h5` bytes, rebuilt into the run's architecture on demand (no
code or config is ever deserialised from the database). Changing a table means a new Alembic
revision in cnn_core/store/migrations/versions/.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ClassRoom(Base):
    """A class a teacher opened; learners join it with its short code."""

    __tablename__ = "classes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    created: Mapped[float] = mapped_column(Float)
    closed: Mapped[float | None] = mapped_column(Float, nullable=True)
    show_leaderboard: Mapped[bool] = mapped_column(Boolean, default=True)


class Learner(Base):
    """Someone who trains and draws: a nickname in a class, or a personal learner (no class, no nickname).

    Only the SHA-256 of the learner's private token is stored (cnn_core.jobs.owner_hash).
    """

    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("class_id", "nickname_key", name="uq_learner_nickname"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), nullable=True)
    nickname: Mapped[str | None] = mapped_column(String(40), nullable=True)
    nickname_key: Mapped[str | None] = mapped_column(String(40), nullable=True)  # casefolded, for uniqueness
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[float] = mapped_column(Float)


class Run(Base):
    """One training run: its settings, state, progress, results (see cnn_core.jobs.Job for the fields)."""

    __tablename__ = "runs"
    __table_args__ = (
        # one queued-or-running run per learner: two tabs pressing Start at once get one run
        Index(
            "one_active_run",
            "learner_id",
            unique=True,
            sqlite_where=text("active = 1"),
            postgresql_where=text("active"),
        ),
        Index("runs_class", "class_id"),
    )
    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), nullable=True)
    number: Mapped[int] = mapped_column(Integer)  # "Run 3" of its learner
    label: Mapped[str] = mapped_column(String(200))
    token: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the Start click that made it
    arch: Mapped[dict] = mapped_column(JSON)
    recipe: Mapped[dict] = mapped_column(JSON)
    n_params: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # queued or running
    message: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[str] = mapped_column(String(80), default="waiting")
    phase_seconds: Mapped[dict] = mapped_column(JSON, default=dict)
    precision: Mapped[str] = mapped_column(String(12), default="")
    precision_reason: Mapped[str] = mapped_column(Text, default="")
    steps_per_epoch: Mapped[int] = mapped_column(Integer, default=0)
    n_train: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[float] = mapped_column(Float)
    started: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished: Mapped[float | None] = mapped_column(Float, nullable=True)
    test_loss: Mapped[float | None] = mapped_column(Float, nullable=True)
    test_accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    history: Mapped[list] = mapped_column(JSON, default=list)
    kernels: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # .npy of (snapshots, k, k, c, f)
    last_epoch: Mapped[int] = mapped_column(Integer, default=0)  # the latest batch done, for the progress bars
    last_batch: Mapped[int] = mapped_column(Integer, default=0)
    last_time: Mapped[float] = mapped_column(Float, default=0.0)
    fit_start: Mapped[float] = mapped_column(Float, default=0.0)  # seconds from `started` to the first batch
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str] = mapped_column(String(200), default="")  # which process trains it
    heartbeat: Mapped[float | None] = mapped_column(Float, nullable=True)


class RunPoint(Base):
    """One point of a run's per-batch curve (thinned to about MAX_POINTS per run) or an epoch's end."""

    __tablename__ = "run_points"
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    epoch: Mapped[int] = mapped_column(Integer)
    batch: Mapped[int] = mapped_column(Integer)
    loss: Mapped[float | None] = mapped_column(Float, nullable=True)
    accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    time: Mapped[float] = mapped_column(Float)


class RunModel(Base):
    """A run's trained weights (`.weights.h5` bytes), kept apart so that listing runs never reads them."""

    __tablename__ = "run_models"
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    weights: Mapped[bytes] = mapped_column(LargeBinary)


class Drawing(Base):
    """A digit a learner drew and labelled: the 28x28 input the network saw and what each model said."""

    __tablename__ = "drawings"
    __table_args__ = (Index("drawings_class", "class_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), nullable=True)
    label: Mapped[int] = mapped_column(Integer)
    pixels: Mapped[bytes] = mapped_column(LargeBinary)  # 784 uint8, row by row, 0 = background
    predictions: Mapped[list] = mapped_column(JSON, default=list)  # [{"model", "digit", "probability"}]
    created: Mapped[float] = mapped_column(Float)


class Setting(Base):
    """A server-wide setting a teacher changed (e.g. how many runs train at once)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class Lesson(Base):
    """A lesson link a teacher saved for a class: a page and its settings ('kernels?kernel=sobel-x&stride=2',
    cnn_core.lesson_links), never anyone's identity. `pushed_at`: when it was last sent to the class's
    learners, whose pages then offer to open it."""

    __tablename__ = "lessons"
    __table_args__ = (Index("lessons_class", "class_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    link: Mapped[str] = mapped_column(String(2100))
    created: Mapped[float] = mapped_column(Float)
    pushed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
