"""The Gaussian kernel's centre row and the continuous curve drawn through it come from one function."""

import numpy as np
import pytest

from cnn_core import kernels as K


@pytest.mark.parametrize("size,sigma", [(3, 0.3), (5, 1.0), (7, 2.5), (15, 5.0), (1, 1.0)])
def test_row_is_the_kernels_centre_row_and_the_curve_passes_through_it(size, sigma):
    p = K.gaussian_profile(size, sigma)
    g = K.gaussian(size, sigma)
    np.testing.assert_array_equal(p.row, g[size // 2])
    on_cells = np.isin(p.x, p.offsets)
    assert on_cells.sum() == size
    np.testing.assert_allclose(p.curve[on_cells], p.row, rtol=1e-9, atol=1e-15)
    assert p.x[0] == p.offsets[0] == -(size - 1) / 2 and p.x[-1] == p.offsets[-1]
    assert np.isclose(1 / p.total, g.max())  # the centre weight is 1 / normaliser


@pytest.mark.parametrize("size,sigma", [(5, 0.7), (9, 2.0)])
def test_kernel_is_the_formula_over_its_sum(size, sigma):
    r = (size - 1) // 2
    y, x = np.mgrid[-r : r + 1, -r : r + 1]
    raw = np.exp(-(x**2 + y**2) / (2 * sigma**2))
    np.testing.assert_allclose(K.gaussian(size, sigma), raw / raw.sum(), rtol=1e-12)
    assert np.isclose(K.gaussian_profile(size, sigma).total, raw.sum())


def test_a_wider_sigma_flattens_the_profile():
    narrow, wide = K.gaussian_profile(7, 0.8), K.gaussian_profile(7, 3.0)
    assert narrow.row.max() > wide.row.max() and narrow.row.min() < wide.row.min()


def test_bad_sizes_and_sigmas_are_refused():
    with pytest.raises(K.BadKernel):
        K.gaussian_profile(4, 1.0)
    with pytest.raises(K.BadKernel):
        K.gaussian_profile(5, 0.0)
