"""A finished run written straight into the app's store, for page tests that need a learner's own model."""

from __future__ import annotations

import time

from cnn_core import jobs
from cnn_core.architecture import Architecture, TrainingRecipe
from cnn_core.store import runs


def stored_run(store, owner_key: str, arch: Architecture, model, recipe: TrainingRecipe | None = None) -> jobs.Job:
    """Write a finished run of `arch` whose weights are `model`'s (a Keras model of that architecture),
    owned by the learner with private key `owner_key`; returns the job as the store reads it back."""
    from cnn_core.nn.runner import weights_bytes

    job = jobs.Job(jobs.new_job_id(), arch, recipe or TrainingRecipe(epochs=1), owner=jobs.owner_hash(owner_key))
    runs.insert(store, job)
    job.state, job.started, job.finished = jobs.DONE, time.time(), time.time()
    job.weights = weights_bytes(model)
    runs.flush(store, job, final=True)
    return runs.load(store, job.id)
