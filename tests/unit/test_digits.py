"""cnn_core.digits: a drawing or photo becomes an MNIST-like 28x28 input."""

import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnn_core import digits
from cnn_core.digits import BadDrawing, EmptyDrawing, NotADigit, centre_of_mass, ink_bbox, preprocess, to_mnist
from cnn_core.samples import load_samples

CENTRE = digits.CENTRE


def canvas(strokes, size=280, width=20, dark_on_light=False, rgba=True) -> np.ndarray:
    """Strokes [(x0, y0, x1, y1), ...] drawn like the page's canvas: white on black, RGBA."""
    bg, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (size, size), bg)
    d = ImageDraw.Draw(img)
    for s in strokes:
        d.line(s, fill=ink, width=width, joint="curve")
    a = np.asarray(img)
    if not rgba:
        return a
    out = np.empty((size, size, 4), np.uint8)
    out[..., :3] = a[..., None]
    out[..., 3] = 255
    return out


SEVEN = [(90, 60, 190, 60), (190, 60, 120, 230)]


def check_normalised(x):
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() == pytest.approx(1.0)
    r, c = centre_of_mass(x)
    assert abs(r - CENTRE) <= 1 and abs(c - CENTRE) <= 1
    top, bottom, left, right = ink_bbox(x)
    assert bottom - top <= 20 and right - left <= 20


def test_centred_mnist_digit_keeps_its_shape():
    s = load_samples()
    for im in s.images[:10]:
        x = to_mnist(im)
        corr = np.corrcoef(x.ravel(), im.ravel() / 255.0)[0, 1]
        assert corr > 0.95


@pytest.mark.parametrize(
    "strokes, width",
    [
        (SEVEN, 20),  # ordinary
        ([(130, 130, 150, 130), (150, 130, 135, 160)], 4),  # small and thin
        ([(10, 10, 270, 10), (270, 10, 40, 270)], 30),  # large and thick
        ([(5, 5, 60, 5), (60, 5, 20, 70)], 8),  # off-centre, top-left corner
        ([(230, 200, 230, 275)], 12),  # a 1 in the bottom-right corner
        ([(40, 140, 240, 140)], 10),  # a flat stroke: wider than tall
    ],
)
def test_sizes_positions_and_strokes_are_normalised(strokes, width):
    check_normalised(to_mnist(canvas(strokes, width=width)))


def test_mnist_centres_of_mass_are_near_the_constant():
    s = load_samples()
    com = np.array([centre_of_mass(im / 255.0) for im in s.images])
    assert np.abs(com.mean(axis=0) - CENTRE).max() < 0.3


def test_grey_and_rgb_and_rgba_agree():
    rgba = canvas(SEVEN)
    grey = canvas(SEVEN, rgba=False)
    rgb = rgba[..., :3]
    np.testing.assert_allclose(to_mnist(rgba), to_mnist(grey), atol=1e-6)
    np.testing.assert_allclose(to_mnist(rgb), to_mnist(grey), atol=1e-6)


def test_dark_on_light_is_inverted():
    light = preprocess(canvas(SEVEN, dark_on_light=True))
    dark = preprocess(canvas(SEVEN))
    assert light.inverted and not dark.inverted
    np.testing.assert_allclose(light.image, dark.image, atol=1e-5)


def test_paper_grey_background_is_removed():
    photo = canvas(SEVEN, dark_on_light=True, rgba=False).astype(np.float32) * 0.7 + 40  # grey paper, grey ink
    x = to_mnist(photo.astype(np.uint8))
    assert x[0].max() == 0 and x[:, 0].max() == 0  # the frame stays black
    check_normalised(x)


def test_transparent_background_with_dark_strokes():
    a = np.zeros((100, 100, 4), np.uint8)
    a[20:80, 45:55, 3] = 255  # black opaque strokes on a transparent background
    check_normalised(to_mnist(a))


@pytest.mark.parametrize(
    "picture",
    [
        np.zeros((280, 280, 4), np.uint8),  # a cleared canvas (transparent)
        canvas([]),  # an empty black canvas
        np.full((280, 280), 255, np.uint8),  # all white
        np.full((50, 50, 3), 128, np.uint8),  # all grey
        np.zeros((1, 1), np.uint8),
        np.full((1, 1), 255, np.uint8),
    ],
)
def test_empty_drawings_raise(picture):
    with pytest.raises(EmptyDrawing, match="No ink found"):
        to_mnist(picture)


def test_huge_picture_is_shrunk_and_fast():
    a = np.zeros((5000, 5000), np.uint8)
    a[1000:4000, 2300:2700] = 255
    t = time.perf_counter()
    pre = preprocess(a)
    assert time.perf_counter() - t < 2.0
    assert pre.shrunk
    check_normalised(pre.image)


def test_sixteen_bit_and_bool_and_float_pictures():
    g = canvas(SEVEN, rgba=False)
    ref = to_mnist(g)
    np.testing.assert_allclose(to_mnist(g.astype(np.uint16) * 257), ref, atol=1e-4)
    np.testing.assert_allclose(to_mnist(g > 127), to_mnist(((g > 127) * 255).astype(np.uint8)), atol=1e-6)
    np.testing.assert_allclose(to_mnist(g / 255.0), ref, atol=1e-4)


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((10, 10, 2), np.uint8), "shape"),
        (np.zeros((2, 10, 10, 3), np.uint8), "shape"),
        (np.zeros((10,), np.uint8), "shape"),
        (np.zeros((0, 10), np.uint8), "no pixels"),
        (np.zeros((10, 10), np.int64), "not supported"),
        (np.full((10, 10), 2.0), "in \\[0, 1\\]"),
        (np.full((10, 10), np.nan), "NaN"),
    ],
)
def test_odd_arrays_are_rejected_clearly(bad, words):
    with pytest.raises(BadDrawing, match=words):
        to_mnist(bad)


def test_each_step_can_be_switched_off():
    pic = canvas([(20, 20, 60, 20), (60, 20, 30, 90)], width=8)  # small, in a corner
    full = preprocess(pic)
    assert [s.name for s in full.stages] == ["grey", *digits.STEPS]
    assert all(s.applied for s in full.stages)
    for step in digits.STEPS:
        pre = preprocess(pic, {step: False})
        assert pre.image.shape == (28, 28)
        assert not next(s for s in pre.stages if s.name == step).applied
        # Centring moves the ink anyway, so 'place' is compared with centring off.
        base = preprocess(pic, {"centre": False}) if step == "place" else full
        if step == "place":
            pre = preprocess(pic, {"place": False, "centre": False})
        assert not np.allclose(pre.image, base.image), step
    naive = to_mnist(pic, {s: False for s in digits.STEPS})  # the whole canvas squashed to 28x28
    assert ink_bbox(naive)[1] <= 10  # the digit stays small in the corner
    assert to_mnist(pic, {"normalise": False}).max() > 1  # 0-255 values


def test_display_is_square_uint8():
    pre = preprocess(canvas(SEVEN))
    for s in pre.stages:
        d = digits.display(s.image)
        assert d.shape == (112, 112) and d.dtype == np.uint8 and d.max() == 255


def test_no_tensorflow_import():
    code = "import sys, cnn_core.digits; sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_faint_ink_is_too_little_contrast():
    a = np.full((100, 100), 200, np.uint8)
    a[30:70, 45:55] = 190
    with pytest.raises(EmptyDrawing, match="Too little contrast"):
        to_mnist(a)


@pytest.mark.parametrize("shape", [(200, 200), (150, 220, 3)])
def test_noise_is_not_a_digit(shape):
    with pytest.raises(NotADigit, match="noise rather than a digit"):
        to_mnist(np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8))


def test_ink_over_most_of_the_picture_is_not_a_digit():
    a = np.zeros((280, 280), np.uint8)
    a[10:270, 10:270] = 255
    with pytest.raises(NotADigit, match="ink covers 86%"):
        to_mnist(a)


def test_the_canvas_is_never_inverted_even_with_strokes_on_every_edge():
    a = np.zeros((280, 280), np.uint8)
    a[:, :30] = a[:, -30:] = a[:30, :] = a[-30:, :] = 255  # more than half the border is ink
    a[100:180, 130:150] = 255
    assert preprocess(a).inverted  # a photo would be taken as dark ink on white
    pre = preprocess(a, may_invert=False)
    assert not pre.inverted and pre.stages[0].image.max() == 1.0 and pre.stages[0].image[0, 0] == 1.0
