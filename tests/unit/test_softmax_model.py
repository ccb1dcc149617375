"""The reader's logits and maps before the activation, checked against the Keras model itself."""

import keras
import numpy as np
import pytest

from cnn_core import softmax as sm
from cnn_core.architecture import SEED, Architecture, ConvBlock, DenseLayer
from cnn_core.nn.features import reader_for
from cnn_core.nn.model import build_model
from cnn_core.samples import load_samples


@pytest.fixture(scope="module")
def samples():
    return load_samples()


def test_softmax_of_the_logits_is_the_model_output(shipped_model, samples):
    reader = reader_for(shipped_model)
    x = samples.images[:6] / 255.0
    direct = shipped_model(x[..., None].astype(np.float32), training=False).numpy()
    scores = reader.scores(x)
    assert scores.shape == (6, 10)
    np.testing.assert_allclose(sm.softmax(scores), direct, atol=1e-5)
    for i in range(len(x)):
        r = reader.read(x[i])
        np.testing.assert_allclose(r.logits, scores[i], atol=1e-4)
        np.testing.assert_allclose(sm.softmax_steps(r.logits).probs, r.probs, atol=1e-5)
        assert sm.softmax_steps(r.logits).digit == r.digit


def _sub_model_before(model, name, x):
    """The conv layer's output with its activation switched to linear: a copy sharing the same weights."""
    i = [layer.name for layer in model.layers].index(name)
    layer = model.layers[i]
    below = keras.Model(model.inputs[0], model.layers[i - 1].output) if i else None
    linear = keras.layers.Conv2D.from_config({**layer.get_config(), "activation": "linear"})
    inputs = below(x, training=False) if below is not None else x
    linear.build(inputs.shape)
    linear.set_weights(layer.get_weights())
    return linear(inputs).numpy()[0]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "elu", "linear"])
def test_activation_of_before_is_keras_after(activation, samples):
    arch = Architecture(
        conv_blocks=(ConvBlock(8, 3, activation=activation, pool="max"), ConvBlock(6, 3, activation=activation)),
        dense_layers=(DenseLayer(12),),
    )
    model = build_model(arch)
    keras.utils.set_random_seed(0)
    model.set_weights([w + np.random.default_rng(1).normal(0, 0.1, w.shape) for w in model.get_weights()])
    reader = reader_for(model)
    x = samples.images[4] / 255.0
    r = reader.read(x)
    assert r.activations == {"conv1": activation, "conv2": activation}
    xb = x.reshape(1, 28, 28, 1).astype(np.float32)
    for name in ("conv1", "conv2"):
        before, after = r.before[name], r.layers[name]
        assert before.shape == after.shape
        fn = model.get_layer(name).activation
        np.testing.assert_allclose(keras.ops.convert_to_numpy(fn(before)), after, atol=1e-5)
        np.testing.assert_allclose(before, _sub_model_before(model, name, xb), atol=1e-5)
        if activation != "linear":
            assert not np.allclose(before, after, atol=1e-3)  # the activation really changed something


def test_shipped_model_before_and_after(shipped_model, samples):
    r = reader_for(shipped_model).read(samples.images[0] / 255.0)
    assert list(r.before) == ["conv1", "conv2", "conv3"] and r.activations["conv1"] == SEED.conv_blocks[0].activation
    assert (r.before["conv1"] < 0).any() and (r.layers["conv1"] >= 0).all()
    np.testing.assert_allclose(np.maximum(r.before["conv1"], 0), r.layers["conv1"], atol=1e-5)
