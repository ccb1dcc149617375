"""The Keras side of a training job: the progress callback and the training call.

Imported by `cnn_core.jobs` inside the worker thread, so that `cnn_core.jobs`
itself can be imported without TensorFlow.
"""

from __future__ import annotations

import keras
import numpy as np

from cnn_core import metrics
from cnn_core.jobs import CANCELLED, NAN, NAN_MESSAGE, RUNNING, Job, is_bad_loss, steps_for
from cnn_core.model import build_model, compile_model
from cnn_core.train import fit, prepare


def first_conv_kernel(model: keras.Model) -> np.ndarray | None:
    """A copy of the first Conv2D layer's kernel, shape (k, k, in_channels, filters); None without one."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            return np.array(layer.get_weights()[0])
    return None


class JobProgress(keras.callbacks.Callback):
    """Records every batch and epoch as job events; stops at the next batch on cancel or a NaN loss.

    Like keras.callbacks.TerminateOnNaN, but it says in plain words what happened.
    """

    def __init__(self, job: Job):
        super().__init__()
        self.job = job
        self.epoch = 0
        self.batch = 0

    def on_train_begin(self, logs=None):
        self.job.add_event("start")
        k = first_conv_kernel(self.model)
        if k is not None:
            self.job.kernels.append(k)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.batch = epoch + 1, 0

    def on_train_batch_end(self, batch, logs=None):
        logs = dict(logs or {})
        self.batch = batch + 1
        self.job.add_event("batch", epoch=self.epoch, batch=self.batch, logs=logs)
        if is_bad_loss(logs.get("loss")):
            self._stop_nan()
        elif self.job._cancel.is_set():
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        logs = {k: float(v) for k, v in (logs or {}).items()}
        if self.job.state == NAN:
            return
        if self.batch < self.job.steps_per_epoch:
            logs["partial"] = True  # cancelled mid-epoch: these numbers cover part of an epoch
        self.job.history.append({"epoch": self.epoch, **logs})
        k = first_conv_kernel(self.model)
        if k is not None:
            self.job.kernels.append(k)
        self.job.add_event("epoch", epoch=self.epoch, batch=self.batch, logs=logs)
        if is_bad_loss(logs.get("val_loss", 0.0)):
            self._stop_nan()

    def _stop_nan(self):
        self.job.state = NAN
        self.job.message = NAN_MESSAGE.format(epoch=self.epoch, batch=self.batch, lr=self.job.recipe.learning_rate)
        self.model.stop_training = True


def train(job: Job, mnist, callbacks=()) -> None:
    """Build, compile and fit `job`'s network on `mnist`; then score it on the test set."""
    recipe = job.recipe
    job.enter_phase("preparing the data")
    keras.utils.set_random_seed(recipe.seed)
    data = prepare(mnist, recipe)
    job.n_train = len(data.x_train)
    job.steps_per_epoch = steps_for(job.n_train, recipe)
    job.enter_phase("building the network")
    model = compile_model(build_model(job.arch), recipe)
    job.keras_model = model
    if job._cancel.is_set():
        job.state = CANCELLED
        job.message = "Cancelled before the first batch."
        return
    job.enter_phase("training")
    fit(model, recipe, data, [JobProgress(job), *callbacks])
    if job.state == RUNNING:
        job.enter_phase("scoring the 10,000 test images")
        probs = metrics.predict_in_batches(model, data.x_test)
        labels = data.y_test.argmax(axis=1)
        job.test_loss = metrics.log_loss(probs, labels)
        job.test_accuracy = metrics.accuracy(probs, labels)


def model_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a `.keras` file (Keras saves only to a path ending in .keras)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()
