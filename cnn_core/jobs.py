"""A training job as a record: its inputs, state, progress events and results (no TensorFlow).

The web page never trains inside its own script run (a click would abort it); it submits a
job to the registry (cnn_core.job_registry) and polls the job's state. The runner
(cnn_core.nn.runner.train) updates the record as it trains. Knows nothing of Streamlit.

    reg = JobRegistry(train, max_jobs=1)
    job = reg.submit(arch, recipe, mnist, token="click-123", owner=secret_key)
    reg.get(job.id).progress()   # state, progress events, history, kernels
    reg.cancel(job.id)           # stops at the next batch, keeps the weights, skips the scoring
    job.owned_by(secret_key)     # True: the key given at submit time (only its hash is stored)

Memory: queued and running jobs are held by the registry; finished ones only for a while
(settings.FINISHED_KEEP, settings.FINISHED_KEEP_SECONDS), after which a job lives as long as someone
(a learner's session) holds it. A finished job keeps its weights as bytes; its Keras model is
rebuilt on demand into a bounded cache (cnn_core.nn.runner.model_for).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cnn_core.architecture import Architecture, TrainingRecipe
from cnn_core.formulas import batches_per_epoch

QUEUED, RUNNING, DONE, CANCELLED, FAILED, NAN = "queued", "running", "done", "cancelled", "failed", "nan"
INTERRUPTED = "interrupted"  # the process training it stopped (a server restart, a worker that died)
TERMINAL = (DONE, CANCELLED, FAILED, NAN, INTERRUPTED)
USABLE = (DONE, CANCELLED)  # states whose model can answer questions

_JOB_ID = re.compile(r"[0-9a-f]{12}")
Trainer = Callable[..., None]  # train(job, mnist, callbacks): fills in the job as it trains


def new_job_id() -> str:
    """A fresh run id: 12 hex digits (is_job_id checks this shape)."""
    return uuid.uuid4().hex[:12]


def is_job_id(text) -> bool:
    """True only for the one shape new_job_id makes; check anything from an address with it first."""
    return isinstance(text, str) and _JOB_ID.fullmatch(text) is not None


def owner_hash(key: str | None) -> str | None:
    """What a job stores of its owner's key: a SHA-256, so the registry holds no usable key."""
    return None if not key else hashlib.sha256(key.encode()).hexdigest()


class TooCostly(ValueError):
    """The network or recipe is beyond what this server trains; str(e) says why in plain words."""


NAN_MESSAGE = (
    "The loss became NaN (not a number) at epoch {epoch}, batch {batch}, so training stopped. "
    "This usually means the steps were too big: the learning rate ({lr:g}) made the weights jump "
    "so far that the numbers overflowed. Try a learning rate 10 times smaller."
)


@dataclass
class Event:
    """One progress event; `seq` increases by one per event of a job."""

    seq: int
    kind: str  # "start", "batch", "epoch", "end"
    epoch: int = 0  # 1-based
    batch: int = 0  # 1-based within the epoch
    logs: dict = field(default_factory=dict)
    time: float = 0.0  # seconds since the job started running


@dataclass
class Job:
    """A training run: its inputs, state and everything recorded while it ran."""

    id: str
    arch: Architecture
    recipe: TrainingRecipe
    token: str | None = None
    owner: str | None = None  # owner_hash of the key of whoever submitted it
    label: str = ""
    learner_id: int | None = None  # in the store (cnn_core.store): whose run, in which class, "Run <number>"
    class_id: int | None = None
    number: int = 0
    state: str = QUEUED
    message: str = ""
    events: list[Event] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)  # one dict of logs per finished epoch
    kernels: list[np.ndarray] = field(default_factory=list)  # first conv kernel (k, k, c, f) after epoch 0..E
    steps_per_epoch: int = 0
    n_train: int = 0
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None
    keras_model: object = None  # only while training; afterwards see `weights` and `model`
    weights: bytes | None = None  # the learned weights (.weights.h5 bytes) once training has stopped
    model_stored: bool = False  # the weights are in the store: `fetch_weights()` reads them
    fetch_weights: Callable[[], bytes] | None = field(default=None, repr=False)
    loader: Callable | None = field(default=None, repr=False)  # set by the runner: weights -> Keras model
    precision: str = ""  # "float32" or "bfloat16": what training computed in (cnn_core.precision)
    precision_reason: str = ""  # why, in one sentence
    phase: str = "waiting"  # what the worker is doing now, in words
    phase_seconds: dict = field(default_factory=dict)  # seconds spent in each finished phase
    _phase_t0: float = 0.0
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _settled: threading.Event = field(default_factory=threading.Event, repr=False)  # ended and written
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def has_model(self) -> bool:
        """True when the run ended with weights worth using (not while running, not random, not NaN)."""
        return self.state in USABLE and (self.weights is not None or self.model_stored)

    @property
    def model(self):
        """The trained Keras model (rebuilt from `weights` by the runner's loader); None without usable weights."""
        return self.loader(self) if self.has_model and self.loader is not None else None

    @property
    def scored(self) -> bool:
        return self.test_accuracy is not None

    def owned_by(self, key: str | None) -> bool:
        """True when `key` is the key this job was submitted with."""
        mine = owner_hash(key)
        return self.owner is not None and mine is not None and hmac.compare_digest(self.owner, mine)

    @property
    def total_steps(self) -> int:
        return self.steps_per_epoch * self.recipe.epochs

    def add_event(self, kind: str, **kw) -> Event:
        with self._lock:
            ev = Event(len(self.events), kind, time=self.elapsed(), **kw)
            self.events.append(ev)
        return ev

    def enter_phase(self, phase: str) -> None:
        """Record the time spent in the current phase and start `phase`."""
        now = time.time()
        if self.started is not None and self.phase != "waiting":
            self.phase_seconds[self.phase] = round(now - self._phase_t0, 2)
        self.phase, self._phase_t0 = phase, now

    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.time()) - self.started

    def progress(self) -> dict:
        """Numbers for the progress bars: batches done, fractions, examples/s, ETA (s)."""
        with self._lock:
            last = next((e for e in reversed(self.events) if e.kind in ("batch", "epoch")), None)
            t_fit = self.events[0].time if self.events else 0.0  # the "start" event: fit begins
        epoch, batch = (last.epoch, last.batch) if last else (0, 0)  # an epoch event carries its last batch
        done = max(0, (epoch - 1)) * self.steps_per_epoch + batch if epoch else 0
        total = max(1, self.total_steps)
        el = self.elapsed()
        fit_s = (last.time if last else el) - t_fit  # rate over training time, not TensorFlow's start-up
        rate = done / fit_s if fit_s > 0 and done else 0.0  # batches per second
        return {
            "epoch": epoch,
            "batch": batch,
            "done": done,
            "total": total,
            "run_fraction": min(1.0, done / total),
            "epoch_fraction": min(1.0, batch / max(1, self.steps_per_epoch)),
            "examples_per_s": rate * self.recipe.batch_size,
            "elapsed": el,
            "eta": (total - done) / rate if rate > 0 and self.state == RUNNING else None,
        }

    def batch_series(self, max_points: int = 400) -> dict[str, list]:
        """Per-batch training loss and accuracy so far: {'step', 'loss', 'accuracy'} arrays (n,).

        Long runs are thinned to about `max_points` evenly spaced batches (the last one always kept).
        """
        with self._lock:
            evs = [e for e in self.events if e.kind == "batch"]
        stride = max(1, math.ceil(len(evs) / max_points))
        if stride > 1:
            evs = evs[::stride] + ([evs[-1]] if (len(evs) - 1) % stride else [])
        return {
            "step": np.array([(e.epoch - 1) * self.steps_per_epoch + e.batch for e in evs]),
            "loss": np.array([e.logs.get("loss", np.nan) for e in evs], dtype=float),
            "accuracy": np.array([e.logs.get("accuracy", np.nan) for e in evs], dtype=float),
        }

    def kernel_limit(self) -> float:
        """The largest |weight| over every first-layer kernel snapshot: one symmetric colour scale for all."""
        return float(max((np.abs(k).max() for k in self.kernels), default=1.0)) or 1.0

    def kernel(self, snapshot: int, index: int) -> np.ndarray:
        """Kernel `index` (0-based) of snapshot `snapshot` (0 = before training), input channel 0: (k, k)."""
        return self.kernels[snapshot][:, :, 0, index]


def run_job(job: Job, mnist, train: Trainer, callbacks=()) -> None:
    """Train `job` with `train` in the calling thread; every outcome ends in a final state with a message.

    `train(job, mnist, callbacks)` does the work and records progress on the job (cnn_core.nn.runner.train
    in the app: TensorFlow is imported there, in the worker thread, never by this module).
    """
    job.started = time.time()
    job.state = RUNNING
    job.enter_phase("loading TensorFlow")
    try:
        train(job, mnist, callbacks)
        if job.state == RUNNING:
            job.state = CANCELLED if job._cancel.is_set() else DONE
            if job.state == CANCELLED:
                full = sum(not h.get("partial") for h in job.history)
                job.message = (
                    f"Cancelled after {full} full epoch(s) and {job.progress()['done']:,} batches in all; "
                    "the weights learned so far are kept. It was not scored on the test images."
                )
    except Exception as e:  # noqa: BLE001 - any failure becomes a message on the page, never a crash
        job.state = FAILED
        job.message = f"Training failed: {type(e).__name__}: {e}"
        job.traceback = traceback.format_exc()
    finally:
        job.enter_phase("finished")
        job.finished = time.time()
        job.add_event("end", logs={"state": job.state})


def is_bad_loss(x) -> bool:
    return x is None or not math.isfinite(float(x))


def steps_for(n_train: int, recipe: TrainingRecipe) -> int:
    return batches_per_epoch(n_train, recipe.batch_size, recipe.validation_split)
