"""cnn_core.filtering: the Kernels page's one call (output, picture, difference, notes, step view)."""

import numpy as np
import pytest

from cnn_core import convolution as C
from cnn_core import filtering as F
from cnn_core import kernels as K

LIB = K.library()


@pytest.fixture
def digit():
    from cnn_core.samples import load_samples

    return load_samples().images[0].astype(np.float64)


def test_to_picture_rescales_to_0_255_and_handles_constant():
    p = F.to_picture(np.array([[-4.0, 0.0], [4.0, 2.0]]))
    assert p.dtype == np.uint8 and p.min() == 0 and p.max() == 255 and p[0, 1] == 128
    assert (F.to_picture(np.full((3, 3), 7.0)) == 0).all()


def test_identity_valid_output_is_the_cropped_input_and_difference_is_zero(digit):
    f = F.filter_image(digit, LIB["Identity"])
    assert f.output.shape == (26, 26)
    np.testing.assert_array_equal(f.output, digit[1:-1, 1:-1])
    assert (f.difference == 0).all() and not f.signed
    assert f.formula_h == "floor((28 - 3 + 0) / 1) + 1 = 26"


def test_identity_with_stride_and_padding_aligns_with_the_window_centres(digit):
    for padding in C.PADDINGS:
        for s in (1, 2, 3):
            f = F.filter_image(digit, LIB["Identity"], padding, s)
            assert (f.difference == 0).all(), (padding, s)


def test_edge_kernel_output_is_signed_and_magnitude_is_not(digit):
    assert F.filter_image(digit, LIB["Sobel x"]).signed
    m = F.filter_image(digit, LIB["Gradient magnitude (Sobel)"], "zero")
    assert not m.signed and m.output.shape == (28, 28)
    gx = C.correlate2d(digit, K.SOBEL_X, "zero")
    gy = C.correlate2d(digit, K.SOBEL_Y, "zero")
    np.testing.assert_allclose(m.output, np.hypot(gx, gy))


def test_convolve_flips_and_notes_say_when_it_matters(digit):
    emb = F.filter_image(digit, LIB["Emboss"], convolve=True)
    np.testing.assert_allclose(emb.output, C.correlate2d(digit, K.flip(LIB["Emboss"].weights)))
    assert any("differs" in n for n in emb.notes)
    blur = F.filter_image(digit, LIB["Box blur 3x3"], convolve=True)
    assert any("changes nothing" in n for n in blur.notes)
    mag = F.filter_image(digit, LIB["Gradient magnitude (Sobel)"], convolve=True)
    assert any("changes nothing" in n for n in mag.notes)


def test_even_kernel_same_padding_is_noted():
    k = K.Kernel("Custom", "", np.ones((4, 4)) / 16)
    f = F.filter_image(np.ones((10, 10)), k, "zero")
    assert f.output.shape == (10, 10) and f.pads == (1, 2, 1, 2)
    assert any("bottom and the right" in n for n in f.notes)


def test_too_big_kernel_raises_friendly_error():
    with pytest.raises(C.BadConvolution, match="does not fit"):
        F.filter_image(np.ones((3, 3)), LIB["Box blur 5x5"])


@pytest.mark.parametrize("padding,stride", [("valid", 1), ("zero", 2), ("reflect", 3), ("wrap", 1)])
def test_explain_sum_equals_output_pixel_and_crop_holds_the_window(digit, padding, stride):
    f = F.filter_image(digit, LIB["Laplacian (8-neighbour)"], padding, stride)
    rng = np.random.default_rng(0)
    for _ in range(5):
        i, j = (int(rng.integers(0, n)) for n in f.output.shape)
        v = F.explain(f, i, j)
        assert v.steps[0].total == pytest.approx(v.value)
        r, c = v.window_at
        np.testing.assert_array_equal(v.crop[r : r + 3, c : c + 3], v.steps[0].window)
        np.testing.assert_array_equal(v.crop_padded[r : r + 3, c : c + 3], v.steps[0].padded)


def test_explain_crops_large_pictures():
    img = np.random.default_rng(1).uniform(0, 255, (200, 300))
    f = F.filter_image(img, LIB["Gaussian blur"], "replicate")
    v = F.explain(f, 100, 150, margin=6)
    assert v.crop.shape == (17, 17) and v.origin == (94, 144)
    assert v.steps[0].total == pytest.approx(v.value)
