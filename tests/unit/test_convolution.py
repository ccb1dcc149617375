"""The hand-written cross-correlation against its definition, SciPy and TensorFlow, on seeded random shapes."""

import numpy as np
import pytest
from scipy import ndimage, signal

from cnn_core import convolution as C
from cnn_core import formulas
from cnn_core import kernels as K

RNG_CASES = [np.random.default_rng(seed) for seed in range(12)]


def _case(rng, max_k=5):
    h, w = rng.integers(6, 24, size=2)
    k = int(rng.integers(1, max_k + 1))
    return rng.normal(size=(h, w)), rng.normal(size=(k, k))


@pytest.mark.parametrize("seed", range(12))
def test_fast_path_equals_the_definition_for_every_mode_and_stride(seed):
    rng = np.random.default_rng(seed)
    x, k = _case(rng)
    for kernel in (k, np.outer(k[0], k[:, 0])):  # a general kernel and a rank-1 one (row/column path)
        for mode in C.PADDINGS:
            for s in (1, 2, 3, 4):
                a = C.correlate2d(x, kernel, mode, s)
                b = C.correlate2d_windows(x, kernel, mode, s)
                assert a.shape == b.shape == C.output_shape(*x.shape, kernel.shape[0], mode, s)
                np.testing.assert_allclose(a, b, atol=1e-10)


@pytest.mark.parametrize("seed", range(8))
def test_valid_matches_scipy_signal_correlate2d(seed):
    x, k = _case(np.random.default_rng(seed))
    np.testing.assert_allclose(C.correlate2d(x, k), signal.correlate2d(x, k, mode="valid"), atol=1e-10)
    for s in (2, 3):
        np.testing.assert_allclose(
            C.correlate2d(x, k, "valid", s), signal.correlate2d(x, k, mode="valid")[::s, ::s], atol=1e-10
        )


@pytest.mark.parametrize(
    "mode,scipy_mode", [("zero", "constant"), ("reflect", "mirror"), ("replicate", "nearest"), ("wrap", "wrap")]
)
@pytest.mark.parametrize("seed", range(6))
def test_padded_modes_match_scipy_ndimage_for_odd_kernels(mode, scipy_mode, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=tuple(rng.integers(8, 20, size=2)))
    k = rng.normal(size=(2 * int(rng.integers(0, 3)) + 1,) * 2)
    ref = ndimage.correlate(x, k, mode=scipy_mode, cval=0.0)
    np.testing.assert_allclose(C.correlate2d(x, k, mode), ref, atol=1e-10)


def test_zero_padding_same_matches_scipy_signal_correlate2d_same():
    x, k = _case(np.random.default_rng(42))
    k = k if k.shape[0] % 2 else np.pad(k, ((0, 1), (0, 1)))
    np.testing.assert_allclose(C.correlate2d(x, k, "zero"), signal.correlate2d(x, k, mode="same"), atol=1e-10)


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("seed", range(10))
def test_matches_tf_nn_conv2d_valid_and_same_strides_1_to_3(tf, seed):
    rng = np.random.default_rng(100 + seed)
    x, k = _case(rng)  # includes even kernel sizes: Keras puts the extra 'same' pixel bottom/right
    for s in (1, 2, 3):
        for mode, tf_pad in (("valid", "VALID"), ("zero", "SAME")):
            if C.output_shape(*x.shape, k.shape[0], mode, s)[0] < 1:
                continue
            ref = tf.nn.conv2d(x[None, :, :, None].astype("float32"), k[:, :, None, None].astype("float32"), s, tf_pad)
            np.testing.assert_allclose(C.correlate2d(x, k, mode, s), ref.numpy()[0, :, :, 0], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("seed", range(6))
def test_step_sum_of_products_equals_the_output_pixel(seed):
    rng = np.random.default_rng(seed)
    x, k = _case(rng)
    for mode in C.PADDINGS:
        s = int(rng.integers(1, 4))
        out = C.correlate2d(x, k, mode, s)
        for _ in range(5):
            i, j = (int(rng.integers(0, n)) for n in out.shape)
            st = C.step(x, k, mode, s, i, j)
            np.testing.assert_allclose(st.products, st.window * k)
            assert st.total == pytest.approx(st.products.sum())
            assert st.total == pytest.approx(out[i, j], abs=1e-9)


def test_step_marks_padded_cells():
    x = np.arange(1.0, 26.0).reshape(5, 5)
    st = C.step(x, np.ones((3, 3)), "zero", 1, 0, 0)
    assert st.padded[0].all() and st.padded[:, 0].all() and not st.padded[1:, 1:].any()
    assert (st.window[st.padded] == 0).all()
    assert not C.step(x, np.ones((3, 3)), "valid", 1, 0, 0).padded.any()
    with pytest.raises(C.BadConvolution, match="outside"):
        C.step(x, np.ones((3, 3)), "valid", 1, 3, 0)


def test_reflect_replicate_wrap_pad_as_named():
    row = np.array([[1.0, 2, 3, 4]])
    assert C.pad(np.repeat(row, 4, 0), 5, "reflect")[0][2, :3].tolist() == [3, 2, 1]
    assert C.pad(np.repeat(row, 4, 0), 5, "replicate")[0][2, :3].tolist() == [1, 1, 1]
    assert C.pad(np.repeat(row, 4, 0), 5, "wrap")[0][2, :3].tolist() == [3, 4, 1]


def test_even_kernel_same_puts_the_extra_pixel_bottom_right_as_keras():
    assert C.pad_amounts(28, 28, 4, "zero", 1) == (1, 2, 1, 2)
    assert C.pad_amounts(28, 28, 3, "zero", 1) == (1, 1, 1, 1)
    assert C.pad_amounts(28, 28, 3, "zero", 2) == (0, 1, 0, 1)  # at stride 2 Keras pads only what the last window needs


@pytest.mark.parametrize(
    "n,k,mode,s",
    [(28, 3, "valid", 1), (28, 3, "zero", 1), (28, 5, "valid", 2), (28, 4, "reflect", 3), (7, 3, "wrap", 4)],
)
def test_output_shape_and_formula_line_come_from_cnn_core_formulas(n, k, mode, s):
    expected = formulas.conv_output_size(n, k, 0 if mode == "valid" else "same", s)
    assert C.output_shape(n, n, k, mode, s) == (expected, expected)
    assert C.size_formula(n, k, mode, s).endswith(f"= {expected}")
    assert C.size_formula(28, 3, "valid", 1) == "floor((28 - 3 + 0) / 1) + 1 = 26"


def test_kernel_larger_than_the_image_without_padding_is_explained():
    with pytest.raises(C.BadConvolution, match="does not fit"):
        C.correlate2d(np.ones((3, 3)), np.ones((5, 5)))
    assert C.correlate2d(np.ones((3, 3)), np.ones((5, 5)), "zero").shape == (3, 3)


@pytest.mark.parametrize("args", [("bogus", 1), ("valid", 0), ("valid", 1.5)])
def test_bad_settings_raise_friendly_errors(args):
    with pytest.raises(C.BadConvolution):
        C.correlate2d(np.ones((5, 5)), np.ones((3, 3)), *args)


def test_convolution_is_correlation_with_the_flipped_kernel():
    rng = np.random.default_rng(3)
    x, k = rng.normal(size=(9, 11)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(C.correlate2d(x, K.flip(k)), signal.convolve2d(x, k, mode="valid"), atol=1e-10)


def test_gradient_magnitude_of_a_vertical_edge():
    x = np.zeros((7, 7))
    x[:, 4:] = 1
    m = C.gradient_magnitude(C.correlate2d(x, K.SOBEL_X), C.correlate2d(x, K.SOBEL_Y))
    assert m.max() == pytest.approx(4.0) and m[:, 0].max() == 0
