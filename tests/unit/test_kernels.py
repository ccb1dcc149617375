"""The kernel library and the checks on kernels typed by a learner."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage

from cnn_core import kernels as K


def test_library_has_every_named_kernel_with_a_purpose():
    lib = K.library()
    assert tuple(lib) == K.NAMES
    for k in lib.values():
        assert k.purpose and k.weights.ndim == 2 and k.weights.shape[0] == k.weights.shape[1]
        assert np.isfinite(k.weights).all()


@pytest.mark.parametrize(
    "name", ["Box blur 3x3", "Box blur 5x5", "Gaussian blur", "Identity", "Sharpen", "Unsharp mask 5x5"]
)
def test_blur_and_sharpen_kernels_keep_brightness(name):
    assert math.isclose(K.library()[name].weights.sum(), 1.0)


@pytest.mark.parametrize(
    "name",
    ["Laplacian (4-neighbour)", "Laplacian (8-neighbour)", "Sobel x", "Sobel y", "Prewitt x", "Prewitt y", "Outline"],
)
def test_edge_kernels_sum_to_zero_and_are_signed(name):
    k = K.library()[name]
    assert abs(k.weights.sum()) < 1e-12 and k.signed


def test_sobel_x_is_positive_where_the_picture_gets_brighter_to_the_right():
    ramp = np.tile(np.arange(5.0), (5, 1))
    out = ndimage.correlate(ramp, K.SOBEL_X)
    assert out[2, 2] > 0


def test_gradient_magnitude_is_a_two_kernel_op():
    k = K.library()["Gradient magnitude (Sobel)"]
    assert k.second is not None and not k.signed
    np.testing.assert_array_equal(k.second, K.SOBEL_Y)


@pytest.mark.parametrize("size,sigma", [(3, 0.5), (5, 1.0), (15, 3.0), (15, 0.3)])
def test_gaussian_is_normalised_symmetric_and_peaks_in_the_centre(size, sigma):
    g = K.gaussian(size, sigma)
    assert g.shape == (size, size) and math.isclose(g.sum(), 1.0)
    np.testing.assert_allclose(g, g.T)
    np.testing.assert_allclose(g, K.flip(g))
    assert g[size // 2, size // 2] == g.max()


def test_gaussian_matches_scipy_gaussian_filter_weights():
    impulse = np.zeros((15, 15))
    impulse[7, 7] = 1
    ref = ndimage.gaussian_filter(impulse, 2.0, truncate=7 / 2.0, mode="constant")
    np.testing.assert_allclose(K.gaussian(15, 2.0), ref / ref.sum(), atol=1e-12)


@pytest.mark.parametrize("size,sigma", [(4, 1.0), (0, 1.0), (5, 0.0), (5, -1.0)])
def test_gaussian_refuses_even_sizes_and_bad_sigma(size, sigma):
    with pytest.raises(K.BadKernel):
        K.gaussian(size, sigma)


def test_parse_kernel_accepts_a_dataframe_and_text_numbers():
    df = pd.DataFrame([[0, "1", 0], [1.5, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(K.parse_kernel(df), [[0, 1, 0], [1.5, -4, 1], [0, 1, 0]])


@pytest.mark.parametrize(
    "bad,words",
    [
        ([[1, None, 0], [0, 1, 0], [0, 0, 1]], "row 1, column 2 is empty"),
        ([[1, float("nan"), 0], [0, 1, 0], [0, 0, 1]], "NaN"),
        ([[1, 0, 0], [0, float("inf"), 0], [0, 0, 1]], "too large"),
        ([[1, 0, 0], [0, 1e308, 0], [0, 0, 1]], "too large"),
        ([[1, 0, 0], [0, -5000, 0], [0, 0, 1]], "too large"),
        ([[1, "x", 0], [0, 1, 0], [0, 0, 1]], "not a number"),
        ([[1, " ", 0], [0, 1, 0], [0, 0, 1]], "empty"),
        ([], "empty"),
        ([[1, 2, 3], [4, 5, 6]], "square"),
    ],
)
def test_parse_kernel_explains_bad_cells(bad, words):
    with pytest.raises(K.BadKernel, match=words):
        K.parse_kernel(bad)


def test_normalise_scales_to_sum_one_and_refuses_zero_sum():
    np.testing.assert_allclose(K.normalise(np.ones((3, 3))), np.full((3, 3), 1 / 9))
    with pytest.raises(K.BadKernel, match="sum to 0"):
        K.normalise(K.SOBEL_X)


def test_flip_rotates_by_180_degrees():
    k = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(K.flip(k), np.rot90(k, 2))
    assert not K.is_symmetric_180(K.SOBEL_X) and K.is_symmetric_180(K.gaussian(5, 1))
