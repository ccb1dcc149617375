"""cnn_core.nn.features: one compiled call gives the prediction, every layer's output and the saliency."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from cnn_core import metrics
from cnn_core.architecture import PRESETS, SEED
from cnn_core.digits import to_mnist
from cnn_core.nn.features import (
    Reading,
    architecture_of,
    layer_rows,
    read_picture,
    reader_for,
    tile_maps,
    warm_up,
)
from cnn_core.nn.model import build_model
from cnn_core.samples import load_samples


@pytest.fixture(scope="module")
def samples():
    return load_samples()


@pytest.fixture(scope="module")
def reading(shipped_model, samples):
    return reader_for(shipped_model).read(samples.images[0] / 255.0)


def test_reader_is_built_once_per_model(shipped_model):
    assert reader_for(shipped_model) is reader_for(shipped_model)


def test_warm_up_compiles_once_in_the_background():
    model = build_model(PRESETS["small"])
    t = warm_up(model)
    assert t is not None and warm_up(model) is None
    t.join(60)
    assert not t.is_alive()
    assert reader_for(model).read(np.zeros((28, 28))).probs.shape == (10,)


def test_layer_shapes_match_the_model_and_the_formulas(shipped_model, reading):
    rows = layer_rows(shipped_model)
    assert list(reading.layers) == [layer.name for layer in shipped_model.layers] == list(rows)
    for layer in shipped_model.layers:
        got = reading.layers[layer.name].shape
        assert got == tuple(layer.output.shape[1:]), layer.name
        assert got == rows[layer.name].output_shape, layer.name
    expected = {"conv1": (26, 26, 32), "pool1": (13, 13, 32), "conv2": (11, 11, 64), "pool2": (5, 5, 64)}
    expected |= {"conv3": (3, 3, 64), "flatten": (576,), "dense1": (64,), "dense2": (32,), "output": (10,)}
    assert {k: v.shape for k, v in reading.layers.items()} == expected


def test_a_network_with_batch_norm_and_dropout_is_read_like_keras_reads_it(samples):
    """Batch norm and dropout layers are listed with their maps; at reading time dropout passes all through."""
    model = build_model(PRESETS["improved"])
    x = samples.images[0] / 255.0
    reading = reader_for(model).read(x)
    rows = layer_rows(model)
    assert list(reading.layers) == [layer.name for layer in model.layers] == list(rows)
    assert {"block1_norm", "block1_drop", "dense1_norm", "dense1_drop"} <= set(rows)
    np.testing.assert_array_equal(reading.layers["block1_drop"], reading.layers["pool1"])
    expected = model(x[None, :, :, None].astype("float32"), training=False).numpy()[0]
    np.testing.assert_allclose(reading.probs, expected, atol=1e-5)


def test_prediction_matches_calling_the_model(shipped_model, samples):
    x = samples.images[:8] / 255.0
    direct = shipped_model(x[..., None].astype(np.float32), training=False).numpy()
    np.testing.assert_allclose(metrics.predict_in_batches(shipped_model, x, batch_size=3), direct, atol=1e-5)
    r = reader_for(shipped_model).read(x[3])
    np.testing.assert_allclose(r.probs, direct[3], atol=1e-5)
    assert r.digit == samples.labels[3]


def test_saliency_is_the_gradient_of_the_predicted_logit(shipped_model, samples, reading):
    x = tf.constant((samples.images[0] / 255.0).reshape(1, 28, 28, 1), tf.float32)
    out = shipped_model.get_layer("output")
    body = tf.keras.Sequential(shipped_model.layers[:-1])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        logits = tf.matmul(body(x, training=False), out.kernel) + out.bias
        top, second = logits[0, reading.digit], logits[0, reading.runner_up]
        diff = top - second
    np.testing.assert_allclose(reading.saliency, tape.gradient(top, x).numpy()[0, ..., 0], atol=1e-4)
    np.testing.assert_allclose(reading.contrast, tape.gradient(diff, x).numpy()[0, ..., 0], atol=1e-4)
    assert reading.saliency.shape == (28, 28) and np.abs(reading.saliency).max() > 0


def test_ranking_and_unsure():
    r = Reading(np.array([0.05, 0.5, 0.45] + [0.0] * 7), {}, np.zeros((28, 28)), np.zeros((28, 28)))
    assert (r.digit, r.runner_up) == (1, 2) and r.gap == pytest.approx(0.05) and r.unsure
    sure = Reading(np.array([0.0, 0.9, 0.1] + [0.0] * 7), {}, np.zeros((28, 28)), np.zeros((28, 28)))
    assert not sure.unsure
    low = Reading(np.array([0.4, 0.1] + [0.0625] * 8), {}, np.zeros((28, 28)), np.zeros((28, 28)))
    assert low.unsure  # top under 0.5 even with a large gap


@pytest.mark.parametrize("name", ["seed", *PRESETS])
def test_architecture_is_read_back_from_a_model(name):
    arch = PRESETS.get(name, SEED)
    assert architecture_of(build_model(arch)) == arch


def test_architecture_of_shipped_model(shipped_model):
    assert architecture_of(shipped_model) == SEED


def test_kernels_of_a_map(shipped_model):
    r = reader_for(shipped_model)
    k, b = r.kernels("conv2", 5)
    w, bias = shipped_model.get_layer("conv2").get_weights()
    np.testing.assert_array_equal(k, w[..., 5])
    assert k.shape == (3, 3, 32) and b == pytest.approx(bias[5])
    with pytest.raises(ValueError):
        r.kernels("pool9", 0)


def test_tile_maps():
    maps = np.arange(2 * 3 * 5, dtype=np.float32).reshape(2, 3, 5)
    t = tile_maps(maps, cols=4, shared_scale=True)
    assert t.shape == (2 * 2 + 1, 4 * 3 + 3)
    np.testing.assert_array_equal(t[:2, :3], maps[..., 0])
    np.testing.assert_array_equal(t[3:5, :3], maps[..., 4])
    assert np.isnan(t[2]).all() and np.isnan(t[3:, 4:]).all()
    per = tile_maps(maps, cols=4, shared_scale=False)
    assert np.nanmin(per) == 0 and np.nanmax(per) == 1
    flat = tile_maps(np.ones((2, 2, 1), np.float32), shared_scale=False)
    assert (flat == 0).all()


def test_read_picture_of_an_mnist_image(shipped_model, samples):
    pre, r = read_picture(shipped_model, samples.images[1], is_mnist=True)
    assert pre.image.max() <= 1 and r.digit == samples.labels[1]


def canvas_like(digit: np.ndarray, rng, size: int = 280) -> np.ndarray:
    """An MNIST digit re-rendered like a canvas drawing: random size (30-85% of the side) and position."""
    ys, xs = np.nonzero(digit)
    crop = digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    s = rng.uniform(0.3, 0.85) * size / max(crop.shape)
    w, h = max(1, round(crop.shape[1] * s)), max(1, round(crop.shape[0] * s))
    big = np.asarray(Image.fromarray(crop).resize((w, h), Image.Resampling.BILINEAR))
    out = np.zeros((size, size, 4), np.uint8)
    out[..., 3] = 255
    r0, c0 = rng.integers(0, size - h + 1), rng.integers(0, size - w + 1)
    out[r0 : r0 + h, c0 : c0 + w, :3] = big[..., None]
    return out


@pytest.mark.slow
def test_real_digits_redrawn_on_a_canvas_are_read(shipped_model, mnist):
    _, (x, y) = mnist
    rng = np.random.default_rng(0)
    idx = rng.choice(len(x), 1000, replace=False)
    inputs = np.stack([to_mnist(canvas_like(x[i], rng)) for i in idx])
    acc = float((metrics.predict_in_batches(shipped_model, inputs).argmax(1) == y[idx]).mean())
    print(f"\nredrawn MNIST test digits (1,000, random size and position): accuracy {acc:.3f}")
    assert acc >= 0.97


def test_a_models_reader_does_not_keep_the_model_alive():
    """Every model a learner drew with used to stay in memory for good (the reader cache held it)."""
    import gc
    import weakref

    from cnn_core.nn.features import reader_for
    from cnn_core.nn.model import build_model

    model = build_model()
    reader = reader_for(model)
    reader.read(np.zeros((28, 28), np.float32))
    assert reader_for(model) is reader  # one reader per model
    gone = weakref.ref(model)
    del model, reader
    gc.collect()
    assert gone() is None
