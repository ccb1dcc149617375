"""The training-job runner: lifecycle, ordered progress, cancel, NaN stop, failure, double start, queue."""

import subprocess
import sys
import threading

import keras
import numpy as np
import pytest

from cnn_core import jobs, settings
from cnn_core.architecture import Architecture, ConvBlock, DenseLayer, TrainingRecipe
from cnn_core.job_registry import JobRegistry
from cnn_core.nn.runner import train
from cnn_core.precision import PRECISION_ENV
from tests.support.jobs import TINY

RECIPE = TrainingRecipe(epochs=2, batch_size=32, train_size=300, validation_split=0.1)


@pytest.fixture(autouse=True)
def precision(request, monkeypatch):
    """The compute format of a job test: float32, or each one in BOTH formats."""
    value = getattr(request, "param", "float32")
    monkeypatch.setenv(PRECISION_ENV, value)
    return value


# What must work unchanged under bfloat16 (progress events, kernel snapshots, cancel at the next batch,
# the NaN-loss stop, failures, the queue) runs in both formats; the registry's bookkeeping runs once.
BOTH = pytest.mark.parametrize("precision", ["float32", "bfloat16"], indirect=True)


class AtBatch(keras.callbacks.Callback):
    """Runs `fn(batch)` after every training batch (batch is 0-based)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def on_train_batch_end(self, batch, logs=None):
        self.fn(batch)


def test_import_needs_no_tensorflow():
    code = "import sys, cnn_core.jobs, cnn_core.metrics; print('tensorflow' in sys.modules, 'streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_max_jobs_from_env(monkeypatch):
    monkeypatch.setenv(settings.MAX_JOBS_ENV, "3")
    assert settings.default_max_jobs() == 3
    monkeypatch.setenv(settings.MAX_JOBS_ENV, "nonsense")
    monkeypatch.setattr(settings.os, "cpu_count", lambda: 2)
    assert settings.default_max_jobs() == 1


@BOTH
def test_completes_with_ordered_events_history_and_kernels(small, precision):
    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(TINY, RECIPE, small).id)
    assert job.state == jobs.DONE, job.message
    steps = jobs.steps_for(300, RECIPE)  # 270 training images / 32 = 9 batches
    assert job.steps_per_epoch == steps == 9
    kinds = [e.kind for e in job.events]
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert [e.seq for e in job.events] == list(range(len(job.events)))
    assert kinds.count("batch") == 2 * steps and kinds.count("epoch") == 2
    order = [(e.epoch, e.batch) for e in job.events if e.kind == "batch"]
    assert order == sorted(order) and order[-1] == (2, steps)
    assert [h["epoch"] for h in job.history] == [1, 2]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(job.history[-1])
    assert len(job.kernels) == 3 and job.kernels[0].shape == (3, 3, 1, 4)  # before training + each epoch
    assert not np.allclose(job.kernels[0], job.kernels[-1])
    assert job.model is not None and 0 <= job.test_accuracy <= 1
    assert job.precision == precision and job.precision_reason
    assert {layer.compute_dtype for layer in job.model.layers} == {"float32"}  # what the learner reads
    assert all(k.dtype == np.float32 for k in job.kernels)
    p = job.progress()
    assert p["done"] == p["total"] == 2 * steps and p["run_fraction"] == 1.0


@BOTH
def test_cancel_mid_epoch_keeps_weights(small):
    reg = JobRegistry(train, 1)
    holder = {}
    cb = AtBatch(lambda b: b == 2 and reg.cancel(holder["id"]))
    job = reg.submit(TINY, RECIPE, small, callbacks=[cb])
    holder["id"] = job.id
    reg.wait(job.id)
    assert job.state == jobs.CANCELLED
    batches = [e for e in job.events if e.kind == "batch"]
    assert len(batches) < job.steps_per_epoch  # stopped inside the first epoch
    assert job.model is not None and job.history[-1].get("partial")
    assert "kept" in job.message


@BOTH
def test_nan_loss_stops_with_plain_words(small):
    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(TINY, RECIPE.with_(optimizer="sgd", learning_rate=1e30), small).id)
    assert job.state == jobs.NAN
    assert "NaN" in job.message and "learning rate" in job.message
    assert job.model is None
    assert sum(e.kind == "batch" for e in job.events) < job.total_steps


@BOTH
def test_exception_inside_training_marks_failed(small):
    def boom(batch):
        raise RuntimeError("disk on fire")

    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(TINY, RECIPE, small, callbacks=[AtBatch(boom)]).id)
    assert job.state == jobs.FAILED and "disk on fire" in job.message
    assert job.model is None
    # the registry still works afterwards
    assert reg.wait(reg.submit(TINY, RECIPE.with_(epochs=1), small).id).state == jobs.DONE


def test_double_start_with_same_token_is_one_job(small):
    reg = JobRegistry(train, 1)
    a = reg.submit(TINY, RECIPE.with_(epochs=1), small, token="click-1")
    b = reg.submit(TINY, RECIPE.with_(epochs=1), small, token="click-1")
    assert a is b and len(reg.jobs) == 1
    assert reg.by_token("click-1") is a
    reg.wait(a.id)


@BOTH
def test_queue_when_limit_reached(small):
    reg = JobRegistry(train, max_jobs=1)
    gate = threading.Event()
    first = reg.submit(TINY, RECIPE.with_(epochs=1), small, callbacks=[AtBatch(lambda b: gate.wait(30))])
    second = reg.submit(TINY, RECIPE.with_(epochs=1), small)
    third = reg.submit(TINY, RECIPE.with_(epochs=1), small)
    assert first.state == jobs.RUNNING
    assert second.state == third.state == jobs.QUEUED
    assert reg.queue_position(second.id) == 1 and reg.queue_position(third.id) == 2
    reg.cancel(third.id)  # a queued job can be cancelled before it starts
    assert third.state == jobs.CANCELLED and reg.queue_position(second.id) == 1
    gate.set()
    reg.wait(first.id)
    reg.wait(second.id)
    assert first.state == second.state == jobs.DONE
    assert second.started >= first.finished - 0.5
    assert third.started is None


def test_thread_caps(monkeypatch):
    monkeypatch.setattr(settings.os, "cpu_count", lambda: 2)
    monkeypatch.delenv(settings.TF_THREADS_ENV, raising=False)
    assert settings.thread_counts() == (1, 2)  # one core stays free for the web server
    monkeypatch.setenv(settings.TF_THREADS_ENV, "3")
    assert settings.thread_counts() == (3, 2)
    env = {k: v for k, v in settings.os.environ.items() if not k.startswith("TF_NUM_")}
    monkeypatch.setattr(settings.os, "environ", env)  # a copy: nothing leaks into TensorFlow of later tests
    settings.set_thread_env()
    assert settings.os.environ["TF_NUM_INTRAOP_THREADS"] == "3"


def test_trained_model_downloads_as_a_keras_file(small, tmp_path):
    from cnn_core.nn.model import load_model
    from cnn_core.nn.runner import model_bytes

    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(TINY, RECIPE.with_(epochs=1), small).id)
    path = tmp_path / "run.keras"
    path.write_bytes(model_bytes(job.model))
    x = small[1][0][:5, :, :, None].astype("float32") / 255
    np.testing.assert_allclose(load_model(path)(x, training=False), job.model(x, training=False), atol=1e-6)


def test_job_ids_have_one_shape():
    assert jobs.is_job_id(jobs.new_job_id())
    for bad in (
        None,
        "",
        "[click here to log in](https://evil.example/login)",
        "![x](https://evil.example/track.png)",
        "0123456789AB",
        "0123456789abc",
        "0123456789a",
        "0123456789a\n",
        ["0123456789ab"],
    ):
        assert not jobs.is_job_id(bad), bad
    assert JobRegistry(train, 1).get("![x](https://evil.example/track.png)") is None


def _cancel_at(reg, holder, n):
    return AtBatch(lambda b: b + 1 == n and reg.cancel(holder["id"]))


@BOTH
def test_cancel_counts_only_the_batches_done_and_skips_validation_and_scoring(small):
    """Cancel during batch 3 of a 9-batch epoch: it stops after the next batch and reports 4, not 9;
    no validation pass, no test scoring."""
    reg, holder = JobRegistry(train, 1), {}
    job = reg.submit(TINY, RECIPE, small, callbacks=[_cancel_at(reg, holder, 3)])
    holder["id"] = job.id
    reg.wait(job.id)
    assert job.state == jobs.CANCELLED
    p = job.progress()
    assert (p["epoch"], p["batch"], p["done"]) == (1, 4, 4)
    assert p["epoch_fraction"] == 4 / 9 and p["run_fraction"] == 4 / 18
    assert "0 full epoch(s) and 4 batches in all" in job.message and "not scored" in job.message
    assert job.history == [{"epoch": 1, "loss": job.history[0]["loss"], "accuracy": job.history[0]["accuracy"],
                            "partial": True}]  # fmt: skip
    assert "val_loss" not in job.history[0]  # the validation pass was skipped
    assert job.test_accuracy is None and "scoring the 10,000 test images" not in job.phase_seconds
    assert len(job.kernels) == 2  # before training, and what was learned until the cancel
    assert job.has_model and job.model is not None


@BOTH
def test_a_cancelled_run_is_scored_when_asked(small):
    from cnn_core import metrics
    from cnn_core.nn.runner import score
    from cnn_core.preprocess import to_model_input

    reg, holder = JobRegistry(train, 1), {}
    job = reg.submit(TINY, RECIPE, small, callbacks=[_cancel_at(reg, holder, 2)])
    holder["id"] = job.id
    reg.wait(job.id)
    assert job.state == jobs.CANCELLED and not job.scored
    score(job, small)
    probs = metrics.predict_in_batches(job.model, to_model_input(small[1][0]))
    assert job.scored and job.test_accuracy == metrics.accuracy(probs, small[1][1])


def test_runs_are_numbered_per_owner_and_owned_by_their_key(small):
    reg = JobRegistry(train, 1)
    one = reg.submit(TINY, RECIPE.with_(epochs=1), small, owner="a" * 32)
    other = reg.submit(TINY, RECIPE.with_(epochs=1), small, owner="b" * 32)
    two = reg.submit(TINY, RECIPE.with_(epochs=1), small, owner="a" * 32)
    assert [j.label.split(":")[0] for j in (one, other, two)] == ["Run 1", "Run 1", "Run 2"]
    assert one.owned_by("a" * 32) and not one.owned_by("b" * 32) and not one.owned_by(None)
    assert "a" * 32 not in repr(one.owner)  # only a hash of the key is stored
    assert reg.jobs_of("a" * 32) == [one, two]
    for j in (one, other, two):
        reg.wait(j.id)


def test_registry_lets_go_of_finished_jobs_nobody_holds(small):
    import gc

    reg = JobRegistry(train, 1, keep=1, keep_seconds=3600)
    held = reg.wait(reg.submit(TINY, RECIPE.with_(epochs=1), small).id)
    for _ in range(3):
        reg.wait(reg.submit(TINY, RECIPE.with_(epochs=1), small).id)
    reg.get(held.id)  # any lookup prunes
    gc.collect()
    assert reg.get(held.id) is held  # a session still holds it: still found by id
    assert len(reg.jobs) == 2  # the one held, and the newest finished one the registry keeps
    reg.keep_seconds = 0
    reg.get(held.id)
    gc.collect()
    assert list(reg.jobs) == [held.id]


def test_trained_models_live_in_a_bounded_cache(small, monkeypatch):
    from cnn_core.nn.runner import cached_model_ids

    monkeypatch.setenv(settings.MODEL_CACHE_ENV, "2")
    reg = JobRegistry(train, 1)
    runs = [reg.wait(reg.submit(TINY, RECIPE.with_(epochs=1, seed=s), small).id) for s in range(3)]
    assert all(j.keras_model is None and j.weights for j in runs)  # no compiled training model is kept
    x = small[1][0][:4, :, :, None].astype("float32") / 255
    first = np.array(runs[0].model(x, training=False))
    for j in runs[1:]:
        j.model  # noqa: B018 - asking for it loads it into the cache
    assert runs[0].id not in cached_model_ids() and len(cached_model_ids()) <= 2
    np.testing.assert_allclose(runs[0].model(x, training=False), first, atol=1e-6)  # rebuilt from its weights


def test_submit_refuses_a_network_beyond_the_limits(small):
    import pytest

    from cnn_core.nn.keras_check import check_with_keras

    huge = Architecture(conv_blocks=(ConvBlock(256, 3),), dense_layers=(DenseLayer(1024),))  # 177 million weights
    reg = JobRegistry(train, 1)
    with pytest.raises(jobs.TooCostly) as e:
        reg.submit(huge, RECIPE, small)
    assert str(e.value) == check_with_keras(huge).error  # one limit, one sentence
    assert not reg.jobs


def _custom_gradients() -> int:
    from tensorflow.python.framework import ops

    return sum(name.startswith("CustomGradient-") for name in ops._gradient_registry._registry)


def test_finished_runs_leave_no_traced_graphs_behind(small):
    """TF 2.21 keeps one traced train step per run in a global registry (~18 MB each) unless released."""
    from cnn_core.nn.runner import release_memory

    kept = JobRegistry(train, 1)
    kept.wait(kept.submit(TINY, RECIPE.with_(epochs=1), small).id)
    assert _custom_gradients() > 0  # what a run leaves behind without the release
    released = JobRegistry(train, 1, when_idle=release_memory)
    released.wait(released.submit(TINY, RECIPE.with_(epochs=1), small).id)
    for _ in range(100):  # when_idle runs just after the job's final state is set
        if _custom_gradients() == 0:
            break
        threading.Event().wait(0.05)
    assert _custom_gradients() == 0
    again = released.wait(released.submit(TINY, RECIPE.with_(epochs=1, seed=1), small).id)
    assert again.state == jobs.DONE and again.model is not None  # training still works after a release
