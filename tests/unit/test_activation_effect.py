"""cnn_core.activation_effect: counts and ranges of a map before and after Keras' own activations."""

import keras
import numpy as np
import pytest

from cnn_core.activation_effect import SATURATION, effect, shared_limit


@pytest.fixture
def before():
    return np.random.default_rng(0).normal(0, 2, (26, 26)).astype(np.float32)


def _after(name, x):
    return keras.ops.convert_to_numpy(keras.activations.get(name)(x))


def test_relu_counts_the_zeroed_values(before):
    e = effect(before, _after("relu", before))
    assert e.n == 676 and e.negative == int((before < 0).sum()) > 0
    assert e.zeroed == e.negative and e.unchanged == e.n - e.negative
    assert e.lo_after == 0 and e.hi_after == pytest.approx(before.max())
    assert e.share(e.zeroed) == pytest.approx(e.negative / 676)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "elu"])
def test_squashing_activations(before, name):
    after = _after(name, before)
    e = effect(before, after)
    assert e.zeroed == 0 and e.saturated == int((np.abs(before) > SATURATION).sum()) > 0
    assert (e.lo, e.hi) == pytest.approx((before.min(), before.max()))
    assert (e.lo_after, e.hi_after) == pytest.approx((after.min(), after.max()))
    assert e.max_change == pytest.approx(np.abs(after - before).max(), rel=1e-6)
    if name == "elu":
        assert e.unchanged == int((before >= 0).sum())  # ELU keeps x >= 0 as it is
    assert e.tanh_edge == pytest.approx(np.tanh(SATURATION))


def test_linear_changes_nothing(before):
    e = effect(before, _after("linear", before))
    assert e.unchanged == e.n and e.max_change == 0


def test_shapes_must_match_and_shared_limit(before):
    with pytest.raises(ValueError, match="same shape"):
        effect(before, before[:-1])
    assert shared_limit(before, _after("tanh", before)) == pytest.approx(np.abs(before).max())
    assert shared_limit(np.zeros((3, 3))) == 1.0
