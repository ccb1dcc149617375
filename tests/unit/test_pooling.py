"""Max and average pooling against Keras' MaxPooling2D / AveragePooling2D, and the window list."""

import numpy as np
import pytest

from cnn_core import formulas
from cnn_core import pooling as P


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


@pytest.mark.parametrize("seed", range(8))
def test_matches_keras_pooling_layers(keras, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=tuple(rng.integers(4, 20, size=2)))
    for size in (1, 2, 3):
        for stride in (1, 2, 3):
            if min(x.shape) < size:
                continue
            xb = x[None, :, :, None].astype("float32")
            for mode, layer in (("max", keras.layers.MaxPooling2D), ("average", keras.layers.AveragePooling2D)):
                ref = np.asarray(layer(pool_size=size, strides=stride)(xb))[0, :, :, 0]
                np.testing.assert_allclose(P.pool2d(x, size, stride, mode), ref, rtol=1e-5, atol=1e-5)


def test_default_stride_is_the_pool_size_and_shape_uses_formulas():
    x = np.arange(36.0).reshape(6, 6)
    out = P.pool2d(x, 2)
    assert out.shape == (3, 3) == (formulas.pool_output_size(6, 2),) * 2
    assert out[0, 0] == 7 and P.pool2d(x, 2, mode="average")[0, 0] == 3.5
    assert formulas.pool_size_text(6, 2) == "floor((6 - 2) / 2) + 1 = 3"
    assert P.pool2d(x, 3, 2).shape == (2, 2)  # the last column/row is dropped, as in Keras


def test_windows_cover_the_output_in_order_with_their_values():
    ws = P.windows(P.EXAMPLE, 2, 2, "max")
    assert len(ws) == 9
    out = P.pool2d(P.EXAMPLE, 2, 2, "max")
    for w in ws:
        assert w.result == out[w.row, w.col]
        np.testing.assert_array_equal(w.values, P.EXAMPLE[w.top : w.top + 2, w.left : w.left + 2])
        assert w.values[w.argmax] == w.result
    avg = P.windows(P.EXAMPLE, 3, 1, "average")
    assert avg[-1].result == pytest.approx(P.pool2d(P.EXAMPLE, 3, 1, "average")[-1, -1])


def test_example_shows_max_keeping_the_stroke_and_average_smearing_it():
    mx, av = P.pool2d(P.EXAMPLE, 2), P.pool2d(P.EXAMPLE, 2, mode="average")
    assert np.diag(mx).min() >= 8 and np.diag(av).max() < 6


def test_pool_larger_than_input_is_explained():
    with pytest.raises(P.BadPooling, match="does not fit"):
        P.pool2d(np.ones((3, 3)), 4)
    with pytest.raises(P.BadPooling):
        P.pool2d(np.ones((3, 3)), 2, mode="median")


@pytest.mark.parametrize(
    "bad,words",
    [
        ([[1, None], [2, 3]], "empty"),
        ([[1, float("nan")], [2, 3]], "empty"),
        ([[1, float("inf")], [2, 3]], "keep values"),
        ([[1, 1e308], [2, 3]], "keep values"),
        ([[1, "a"], [2, 3]], "not a number"),
        ([], "empty"),
    ],
)
def test_parse_matrix_explains_bad_cells(bad, words):
    with pytest.raises(P.BadPooling, match=words):
        P.parse_matrix(bad)
