"""A filter over a colour picture: per-channel cross-correlations summed, as Conv2D with a K x K x 3 kernel."""

import numpy as np
import pytest

from cnn_core import channels as CH
from cnn_core import convolution as C
from cnn_core.formulas import conv_params
from cnn_core.images import to_grey


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def test_stack_kernel_scales_one_slice_per_channel():
    w = np.arange(9.0).reshape(3, 3)
    k = CH.stack_kernel(w, (1.0, 0.0, -2.0))
    assert k.shape == (3, 3, 3)
    np.testing.assert_array_equal(k[..., 0], w)
    np.testing.assert_array_equal(k[..., 1], 0 * w)
    np.testing.assert_array_equal(k[..., 2], -2 * w)


def test_total_is_the_sum_of_the_channels_plus_one_bias():
    rng = np.random.default_rng(1)
    img, k = rng.uniform(0, 255, (9, 11, 3)), rng.normal(size=(3, 3, 3))
    r = CH.correlate_channels(img, k, "valid", 1, bias=0.5)
    assert r.per_channel.shape == (3, 7, 9) and r.total.shape == (7, 9)
    for c in range(3):
        np.testing.assert_allclose(r.per_channel[c], C.correlate2d(img[..., c], k[..., c]))
    np.testing.assert_allclose(r.total, r.per_channel.sum(0) + 0.5)


def test_luminance_mix_gives_the_grey_pictures_output():
    """Correlation is linear: luma-weighted slices on R, G, B == the kernel on the grey (luma) picture."""
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (12, 10, 3)).astype(np.uint8)
    w = rng.normal(size=(3, 3))
    r = CH.correlate_channels(img, CH.stack_kernel(w, CH.MIXES[CH.LUMINANCE]), "zero", 2)
    np.testing.assert_allclose(r.total, C.correlate2d(to_grey(img), w, "zero", 2), atol=1e-9)


def test_mismatched_channels_are_refused_with_a_message():
    with pytest.raises(C.BadConvolution, match="same C"):
        CH.correlate_channels(np.zeros((5, 5, 3)), np.zeros((3, 3, 1)))
    with pytest.raises(C.BadConvolution):
        CH.correlate_channels(np.zeros((5, 5)), np.zeros((3, 3, 3)))


@pytest.mark.parametrize("seed", range(6))
def test_per_channel_sum_matches_tf_nn_conv2d(tf, seed):
    rng = np.random.default_rng(seed)
    h, w, k, s = int(rng.integers(6, 20)), int(rng.integers(6, 20)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
    img = rng.uniform(0, 255, (h, w, 3))
    ker = rng.normal(size=(k, k, 3))
    for padding, tf_pad in (("valid", "VALID"), ("zero", "SAME")):
        ours = CH.correlate_channels(img, ker, padding, s).total
        ref = tf.nn.conv2d(img[None].astype("float32"), ker[..., None].astype("float32"), s, tf_pad)
        np.testing.assert_allclose(ours, ref.numpy()[0, :, :, 0], rtol=1e-4, atol=1e-2)


def test_matches_a_keras_conv2d_with_bias(keras):
    rng = np.random.default_rng(7)
    img, ker, bias = rng.uniform(0, 255, (16, 14, 3)), rng.normal(size=(5, 5, 3)), 3.25
    layer = keras.layers.Conv2D(1, 5, strides=2, padding="same")
    layer.build((None, 16, 14, 3))
    layer.set_weights([ker[..., None].astype("float32"), np.array([bias], "float32")])
    ref = np.asarray(layer(img[None].astype("float32")))[0, :, :, 0]
    np.testing.assert_allclose(CH.correlate_channels(img, ker, "zero", 2, bias).total, ref, rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("k,c_in,filters", [(3, 3, 1), (3, 3, 32), (5, 3, 16), (7, 1, 8), (1, 3, 4)])
def test_layer_params_use_the_formula_and_match_keras_count_params(keras, k, c_in, filters):
    p = CH.LayerParams(k, c_in, filters)
    layer = keras.layers.Conv2D(filters, k)
    layer.build((None, 32, 32, c_in))
    assert p.total == conv_params(k, c_in, filters) == layer.count_params()
    assert p.per_filter * filters + filters == p.total
    assert p.grey_total == conv_params(k, 1, filters)
    assert p.text == f"{k}*{k}*{c_in}*{filters} + {filters} = {p.total:,}"
