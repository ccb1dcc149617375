"""The Keras side of a training job: the progress callback, the training call, the trained models.

`train(job, mnist)` is what a JobRegistry runs in its worker thread (cnn_core.jobs.run_job wraps it
with the job's states); it fills in the job record as it goes. Import this module in that thread,
not in a page script: it imports TensorFlow.
"""

from __future__ import annotations

import ctypes
import gc
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import keras
import numpy as np

from cnn_core import metrics
from cnn_core.data import N_TEST
from cnn_core.jobs import CANCELLED, NAN, NAN_MESSAGE, RUNNING, Job, is_bad_loss, steps_for
from cnn_core.nn.model import build_model, compile_model
from cnn_core.nn.precision import resolve as resolve_precision
from cnn_core.nn.threads import configure_tf_threads
from cnn_core.nn.train import fit, prepare
from cnn_core.preprocess import to_model_input
from cnn_core.settings import model_cache_size


class Cancelled(Exception):
    """Raised by JobProgress after the batch during which the learner pressed Cancel: it leaves
    model.fit at once, so neither the rest of the epoch nor its validation pass runs."""


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
            self._record_epoch({k: float(v) for k, v in logs.items()}, partial=self.batch < self.job.steps_per_epoch)
            raise Cancelled

    def _record_epoch(self, logs: dict, partial: bool) -> None:
        """One History row, a kernel snapshot and an "epoch" event carrying the last batch done."""
        if partial:
            logs["partial"] = True  # cancelled mid-epoch: these numbers cover part of an epoch
        self.job.history.append({"epoch": self.epoch, **logs})
        k = first_conv_kernel(self.model)
        if k is not None:
            self.job.kernels.append(k)
        self.job.add_event("epoch", epoch=self.epoch, batch=self.batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = {k: float(v) for k, v in (logs or {}).items()}
        if self.job.state == NAN:
            return
        self._record_epoch(logs, partial=self.batch < self.job.steps_per_epoch)
        if is_bad_loss(logs.get("val_loss", 0.0)):
            self._stop_nan()

    def _stop_nan(self):
        self.job.state = NAN
        self.job.message = NAN_MESSAGE.format(epoch=self.epoch, batch=self.batch, lr=self.job.recipe.learning_rate)
        self.model.stop_training = True


def train(job: Job, mnist, callbacks=()) -> None:
    """Build, compile and fit `job`'s network on `mnist`; keep its weights; score it unless cancelled."""
    configure_tf_threads()  # before TensorFlow's first op; a no-op once set
    job.loader = model_for
    recipe = job.recipe
    job.enter_phase("preparing the data")
    keras.utils.set_random_seed(recipe.seed)
    data = prepare(mnist, recipe)
    job.n_train = len(data.x_train)
    job.steps_per_epoch = steps_for(job.n_train, recipe)
    job.enter_phase("building the network")
    precision = resolve_precision()
    job.precision, job.precision_reason = precision.name, precision.reason
    model = compile_model(build_model(job.arch, precision.name), recipe)
    job.keras_model = model
    if job._cancel.is_set():
        job.state = CANCELLED
        job.message = "Cancelled before the first batch."
        return
    job.enter_phase("training")
    try:
        fit(model, recipe, data, [JobProgress(job), *callbacks])
    except Cancelled:
        pass
    job.keras_model = None  # the compiled training model is freed; the weights below are what is kept
    if job.state == RUNNING and any(e.kind == "batch" for e in job.events[:3]):
        job.enter_phase("saving the weights")
        job.weights = weights_bytes(model)
    if job.state == RUNNING and not job._cancel.is_set() and job.weights is not None:
        job.enter_phase(f"scoring the {N_TEST:,} test images")
        # scored by the float32 model the learner will use (Evaluate, Draw, the download), not the
        # bfloat16 one that trained: the accuracy shown is the accuracy of what they get
        _score(job, model_for(job), data.x_test, data.y_test.argmax(axis=1))


def _score(job: Job, model, x_test: np.ndarray, labels: np.ndarray) -> None:
    probs = metrics.predict_in_batches(model, x_test)
    job.test_loss = metrics.log_loss(probs, labels)
    job.test_accuracy = metrics.accuracy(probs, labels)


def score(job: Job, mnist) -> None:
    """Score a stopped run (e.g. a cancelled one) on the test images of `mnist`, when the learner asks."""
    _, (x_test, y_test) = mnist
    _score(job, job.model, to_model_input(x_test), np.asarray(y_test))


def weights_bytes(model: keras.Model) -> bytes:
    """The model's weights as the bytes of a .weights.h5 file (no optimizer state, no compiled functions)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.weights.h5"
        model.save_weights(path)
        return path.read_bytes()


_MODELS: OrderedDict[str, keras.Model] = OrderedDict()
_MODELS_LOCK = threading.Lock()


def model_for(job: Job) -> keras.Model:
    """`job`'s trained network, from a cache of the latest `model_cache_size()` models used.

    A model that fell out of the cache is rebuilt from the job's weights (~0.1 s for the seed network).
    """
    with _MODELS_LOCK:
        model = _MODELS.get(job.id)
        if model is not None:
            _MODELS.move_to_end(job.id)
            return model
    model = build_model(job.arch)  # float32, whatever precision trained it: the weights are float32
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.weights.h5"
        path.write_bytes(job.weights if job.weights is not None else job.fetch_weights())
        model.load_weights(path)
    with _MODELS_LOCK:
        model = _MODELS.setdefault(job.id, model)  # two sessions asking at once share one copy
        while len(_MODELS) > model_cache_size():
            _MODELS.popitem(last=False)
    return model


def cached_model_ids() -> list[str]:
    """Ids of the jobs whose Keras model is in memory now, least recently used first."""
    with _MODELS_LOCK:
        return list(_MODELS)


def model_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a `.keras` file (Keras saves only to a path ending in .keras)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()


def release_memory() -> int:
    """Give back what finished training runs leave inside TensorFlow; call only when nothing trains.

    TensorFlow 2.21 keeps every graph-mode `tf.custom_gradient` in a global registry forever
    (tensorflow#97697, fixed upstream after 2.21). Keras' optimizer makes one per traced train step
    (its gradient all-reduce), and each entry pins that whole traced graph and its functions:
    about 18 MB of server memory per training run, never returned (bench/bench_memory.py). The
    entries are needed only while their trace runs. Returns how many were dropped.
    """
    from tensorflow.python.framework import ops

    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    if not isinstance(registry, dict):
        return 0  # a TensorFlow whose registry looks different: nothing we know how to release
    stale = [name for name in list(registry) if name.startswith("CustomGradient-")]
    for name in stale:
        registry.pop(name, None)
    gc.collect()
    _trim_heap()
    return len(stale)


def _trim_heap() -> None:
    """Return freed heap pages to the operating system (glibc only; a no-op elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
