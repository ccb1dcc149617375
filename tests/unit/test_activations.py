"""The NumPy activations of cnn_core.activations against keras.activations, and their words against their values."""

import numpy as np
import pytest

from cnn_core.activations import FUNCTIONS, MEANINGS, activate, curve
from cnn_core.architecture import ACTIVATIONS

keras = pytest.importorskip("keras")


def test_every_offered_activation_has_a_function_and_words():
    assert set(FUNCTIONS) == set(MEANINGS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_numpy_matches_keras(name):
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-6, 6, 241), rng.normal(0, 3, 200), [0.0, -1e-9, 1e-9]])
    ours = activate(name, x)
    # keras.activations.get is what Conv2D(activation=name) and Dense(activation=name) use.
    theirs = np.asarray(keras.activations.get(name)(keras.ops.convert_to_tensor(x)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_keras_layer_applies_the_same_function(name):
    """A Dense layer with weight 1 and bias 0 passes each input through its activation."""
    layer = keras.layers.Dense(1, activation=name, kernel_initializer="ones", bias_initializer="zeros")
    x = np.linspace(-4, 4, 33, dtype="float32")[:, None]
    np.testing.assert_allclose(activate(name, x), np.asarray(layer(x)), rtol=1e-6, atol=1e-6)


def test_words_agree_with_the_values():
    xs, _ = curve("relu", -50, 50, 1001)
    values = {n: activate(n, xs) for n in ACTIVATIONS}
    assert values["relu"].min() == 0 and np.all(values["relu"][xs > 0] == xs[xs > 0])  # "keeps a positive sum"
    assert np.all(np.abs(values["tanh"]) <= 1) and np.array_equal(np.sign(values["tanh"]), np.sign(xs))
    assert np.all((values["sigmoid"] >= 0) & (values["sigmoid"] <= 1)) and activate("sigmoid", 0.0) == 0.5
    assert values["elu"].min() > -1 - 1e-12 and np.all(values["elu"][xs > 0] == xs[xs > 0])
    assert np.array_equal(values["linear"], xs)


def test_curve_spans_the_asked_interval():
    xs, ys = curve("tanh", -4, 4, 161)
    assert xs[0] == -4 and xs[-1] == 4 and xs.shape == ys.shape == (161,)


def test_layers_by_activation_names_layers_as_the_layer_table_does():
    from dataclasses import replace

    from cnn_core.activations import layers_by_activation
    from cnn_core.architecture import SEED, DenseLayer
    from cnn_core.formulas import layer_table

    arch = replace(SEED, dense_layers=(DenseLayer(64, "tanh"), DenseLayer(32, "elu")))
    used = layers_by_activation(arch)
    assert used == {
        "relu": ["conv1", "conv2", "conv3"],
        "tanh": ["dense1"],
        "sigmoid": [],
        "elu": ["dense2"],
        "linear": [],
    }
    names = {r.name for r in layer_table(arch).rows}
    assert all(layer in names for layers in used.values() for layer in layers)
