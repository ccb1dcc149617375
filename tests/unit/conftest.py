"""Fixtures for the store's tests: a fake trainer that records progress like cnn_core.nn.runner.train,
and `kit`, which makes classes, learners and runs in the test's store (SQLite or PostgreSQL)."""

from __future__ import annotations

import time
from functools import partial

import numpy as np
import pytest

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from tests.support.jobs import TINY

WEIGHTS = b"\x89HDF fake weights \x00\x01\x02" * 10  # stands for a .weights.h5 file (binary, with NULs)


def fake_train(job: jobs.Job, mnist, callbacks=(), steps: int = 9, delay: float = 0.0, accuracy: float = 0.97):
    """Records events, history and kernels the way cnn_core.nn.runner.train does, without TensorFlow.

    `steps` batches per epoch; `callbacks` are called as cb(job) after every batch; `delay` seconds per
    batch; a cancel request ends the epoch early ("partial", weights kept, not scored).
    """
    rng = np.random.default_rng(len(job.id))
    job.n_train, job.steps_per_epoch = steps * job.recipe.batch_size, steps
    job.precision, job.precision_reason = "float32", "the test says so"
    job.enter_phase("training")
    job.add_event("start")
    job.kernels.append(rng.normal(size=(3, 3, 1, 4)).astype(np.float32))
    for epoch in range(1, job.recipe.epochs + 1):
        for b in range(1, steps + 1):
            logs = {"loss": 2.3 / (epoch * steps + b), "accuracy": min(1.0, 0.1 + b / steps / 2)}
            job.add_event("batch", epoch=epoch, batch=b, logs=logs)
            for cb in callbacks:
                cb(job)
            if delay:
                time.sleep(delay)
            if job._cancel.is_set() and b < steps:
                job.history.append({"epoch": epoch, **logs, "partial": True})
                job.kernels.append(rng.normal(size=(3, 3, 1, 4)).astype(np.float32))
                job.add_event("epoch", epoch=epoch, batch=b, logs=logs)
                job.weights = WEIGHTS
                return
        logs = {**logs, "val_loss": logs["loss"] * 1.1, "val_accuracy": logs["accuracy"] * 0.99}
        job.history.append({"epoch": epoch, **logs})
        job.kernels.append(rng.normal(size=(3, 3, 1, 4)).astype(np.float32))
        job.add_event("epoch", epoch=epoch, batch=steps, logs=logs)
    job.weights = WEIGHTS
    if not job._cancel.is_set():
        job.test_loss, job.test_accuracy = 0.05, accuracy


@pytest.fixture
def trainer():
    """trainer(steps=..., delay=...) -> a train(job, mnist, callbacks) function for JobRegistry."""
    return lambda **kw: partial(fake_train, **kw)


class StoreKit:
    """Makes classes, learners and runs in one store."""

    def __init__(self, store):
        self.store = store

    def room(self, name: str = "Class 5B"):
        from cnn_core.store import learners

        return learners.create_class(self.store, name)

    def learner(self, nickname: str = "Ada", room=None):
        """(learner, private token) of a new learner who joined `room` (a new class when None)."""
        from cnn_core.store import learners

        return learners.join(self.store, (room or self.room()).code, nickname)

    def job(self, token: str, arch=TINY, epochs: int = 2, **recipe) -> jobs.Job:
        recipe = TrainingRecipe(epochs=epochs, batch_size=32, train_size=300, **recipe)
        return jobs.Job(jobs.new_job_id(), arch, recipe, owner=jobs.owner_hash(token))

    def run(self, token: str, worker: str = "", steps: int = 9, accuracy: float = 0.97, **job_kw) -> jobs.Job:
        """A run inserted, trained to the end by the fake trainer and written with its weights."""
        from cnn_core.store import runs

        job = self.job(token, **job_kw)
        runs.insert(self.store, job, worker=worker)
        jobs.run_job(job, None, partial(fake_train, steps=steps, accuracy=accuracy))
        runs.flush(self.store, job, worker=worker, final=True)
        return job


@pytest.fixture
def kit(store):
    return StoreKit(store)
