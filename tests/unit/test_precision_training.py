"""Training in bfloat16 where the processor has it; everything the learner reads stays float32."""

import tempfile
import threading
from pathlib import Path

import keras
import numpy as np

from cnn_core import jobs
from cnn_core.architecture import SEED, TrainingRecipe
from cnn_core.job_registry import JobRegistry
from cnn_core.nn import precision as nn_precision
from cnn_core.nn.model import as_float32, build_model, load_model
from cnn_core.nn.runner import model_bytes, train
from cnn_core.precision import PRECISION_ENV
from cnn_core.preprocess import one_hot, to_model_input
from tests.support.jobs import TINY

RECIPE = TrainingRecipe(epochs=1, batch_size=32, train_size=300, validation_split=0.1)


def test_bfloat16_computes_in_bfloat16_keeps_float32_weights_and_a_float32_output():
    model = build_model(SEED, "bfloat16")
    hidden, output = model.layers[:-1], model.layers[-1]
    assert {layer.compute_dtype for layer in hidden} == {"bfloat16"}
    assert {w.dtype for layer in model.layers for w in layer.weights} == {"float32"}
    assert output.compute_dtype == "float32" and output.dtype_policy.name == "float32"
    probs = model(np.zeros((2, 28, 28, 1), np.float32), training=False)
    assert probs.dtype == "float32" and np.allclose(np.sum(probs, axis=1), 1, atol=1e-6)


def test_policies_are_per_layer_never_global_even_on_many_threads():
    built = {}

    def build(name):
        built[name] = build_model(TINY, name)

    threads = [threading.Thread(target=build, args=(n,)) for n in ("float32", "bfloat16") * 4]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert keras.config.dtype_policy().name == "float32"
    assert built["float32"].layers[0].compute_dtype == "float32"
    assert built["bfloat16"].layers[0].compute_dtype == "bfloat16"


def test_float32_copy_has_the_same_weights():
    trained = build_model(TINY, "bfloat16")
    copy = as_float32(trained, TINY)
    assert {layer.compute_dtype for layer in copy.layers} == {"float32"}
    for a, b in zip(trained.get_weights(), copy.get_weights(), strict=True):
        assert np.array_equal(a, b)
    plain = build_model(TINY)
    assert as_float32(plain, TINY) is plain  # already float32: no copy


def test_a_bfloat16_run_scores_saves_and_loads_like_float32(small, monkeypatch):
    """The run's test accuracy agrees with Keras' evaluate of its saved .keras file, which loads as float32."""
    monkeypatch.setenv(PRECISION_ENV, "bfloat16")
    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(TINY, RECIPE, small).id, timeout=120)
    assert job.state == jobs.DONE and job.precision == "bfloat16", job.message
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.keras"
        path.write_bytes(model_bytes(job.model))
        loaded = load_model(path)
    assert {layer.compute_dtype for layer in loaded.layers} == {"float32"}
    (_, _), (x_test, y_test) = small
    x = to_model_input(x_test)
    assert np.allclose(loaded(x, training=False), job.model(x, training=False), atol=1e-6)
    loaded.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    loss, acc = loaded.evaluate(x, one_hot(y_test), batch_size=100, verbose=0)
    assert round(acc, 4) == round(job.test_accuracy, 4)
    assert abs(loss - job.test_loss) < 1e-4


def test_resolve_uses_the_setting_and_measures_only_when_flags_are_unreadable(monkeypatch):
    assert nn_precision.resolve("float32").name == "float32"
    assert nn_precision.resolve("bfloat16").name == "bfloat16"
    monkeypatch.setattr(nn_precision, "choose", lambda s: nn_precision.Precision("float32", "?", s, confirmed=False))
    monkeypatch.setattr(nn_precision, "_RESOLVED", {})
    measured = nn_precision.resolve("auto")  # a real timing of both formats on this machine
    assert measured.name in ("float32", "bfloat16") and "measured" in measured.reason


def test_shipped_model_is_unchanged_and_float32():
    model = load_model()
    assert {layer.compute_dtype for layer in model.layers} == {"float32"}
