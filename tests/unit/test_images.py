"""Uploads decoded by cnn_core.images: every bad or unusual file gives a BadImage message or a usable array."""

import io

import numpy as np
import pytest
from PIL import Image

from cnn_core import images as I
from tests.support import big_png as big_png


def _png(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def test_rgb_png_and_jpeg_decode_to_uint8_rgb():
    a = np.zeros((20, 30, 3), np.uint8)
    a[..., 0] = 200
    for fmt in ("PNG", "JPEG"):
        out = I.decode_image(_png(Image.fromarray(a), fmt))
        assert out.shape == (20, 30, 3) and out.dtype == np.uint8 and out[..., 0].mean() > 150


def test_grey_png_decodes_to_2d():
    out = I.decode_image(_png(Image.fromarray(np.full((10, 12), 77, np.uint8))))
    assert out.shape == (10, 12) and out.dtype == np.uint8 and (out == 77).all()


@pytest.mark.parametrize(
    "data,words",
    [
        (b"", "empty"),
        (b"this is a text file, not a picture" * 10, "not a picture"),
        (b"%PDF-1.4\n" + b"x" * 200, "not a picture"),
    ],
)
def test_non_images_and_empty_files_are_explained(data, words):
    with pytest.raises(I.BadImage, match=words):
        I.decode_image(data)


def test_truncated_png_is_explained():
    data = _png(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)))
    with pytest.raises(I.BadImage, match="damaged|cut short|not a picture"):
        I.decode_image(data[: len(data) // 2])


def test_decompression_bomb_is_refused_before_decoding():
    # A small file that claims many pixels: refused from its header, before any decoding.
    data = _png(Image.new("L", (5000, 5000)))
    assert len(data) < 100_000
    with pytest.raises(I.BadImage, match="megapixels"):
        I.decode_image(data, max_pixels=1_000_000)


def test_too_many_bytes_is_refused():
    with pytest.raises(I.BadImage, match="MB"):
        I.decode_image(b"\x89PNG" + b"\0" * (I.MAX_BYTES + 1))


def test_16_bit_grey_is_scaled_to_8_bits():
    a = (np.arange(100, dtype=np.uint16).reshape(10, 10) * 600).astype(np.uint16)
    out = I.decode_image(_png(Image.fromarray(a)))
    assert out.shape == (10, 10) and out.dtype == np.uint8 and out.max() == 255 and out.min() == 0


def test_cmyk_jpeg_becomes_rgb():
    img = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # pure red in CMYK
    out = I.decode_image(_png(img, "JPEG"))
    assert out.shape == (16, 16, 3) and out[..., 0].mean() > 200 and out[..., 1].mean() < 60


def test_palette_png_becomes_rgb_or_grey():
    img = Image.fromarray(np.random.default_rng(1).integers(0, 255, (12, 12, 3), dtype=np.uint8)).convert("P")
    out = I.decode_image(_png(img))
    assert out.dtype == np.uint8 and out.shape[:2] == (12, 12)


def test_rgba_transparency_is_composited_on_white():
    a = np.zeros((8, 8, 4), np.uint8)
    a[..., 3] = 0  # fully transparent black
    a[:4, :, 3] = 255  # top half opaque black
    out = I.decode_image(_png(Image.fromarray(a, "RGBA")))
    grey = out if out.ndim == 2 else out[..., 0]
    assert (grey[4:] == 255).all() and (grey[:4] == 0).all()


def test_palette_with_transparency_is_composited():
    img = Image.new("P", (6, 6), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.info["transparency"] = 0
    out = I.decode_image(_png(img, transparency=0))
    assert (out == 255).all()


@pytest.mark.parametrize("size", [(1, 1), (1, 50), (2, 2)])
def test_tiny_pictures_are_explained(size):
    with pytest.raises(I.BadImage, match="at least 3x3"):
        I.decode_image(_png(Image.new("L", size, 128)))


def test_to_grey_and_downscale():
    rgb = np.zeros((600, 1200, 3), np.uint8)
    rgb[..., 1] = 100
    g = I.to_grey(rgb)
    assert g.shape == (600, 1200) and g.max() == pytest.approx(58.7)
    small, shrunk = I.downscale(rgb, 512)
    assert shrunk and small.shape == (256, 512, 3)
    same, shrunk = I.downscale(np.zeros((28, 28), np.uint8))
    assert not shrunk and same.shape == (28, 28)


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_huge_pictures_get_the_megapixel_limit_not_not_a_picture(side):
    # From about 90 megapixels Pillow's own guard fires first; the learner must still hear the size and our limit.
    data = big_png.flat_png(side, side)
    assert len(data) < 200_000
    with pytest.raises(I.BadImage) as e:
        I.decode_small(data, 512)
    assert str(e.value) == f"The picture is {side} x {side} pixels; the limit is 40 megapixels."


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_decode_small_shrinks_while_decoding_and_keeps_the_original_size(fmt):
    y, x = np.mgrid[0:1800, 0:2400]
    a = np.stack([x % 256, y % 256, np.full_like(x, 90)], -1).astype(np.uint8)
    d = I.decode_small(_png(Image.fromarray(a), fmt), 512)
    assert (d.height, d.width) == (1800, 2400) and d.shrunk
    assert d.pixels.shape == (384, 512, 3) and d.pixels.dtype == np.uint8
    assert abs(float(d.pixels[..., 2].mean()) - 90) < 3  # an area average, not garbage


@pytest.mark.parametrize("mode", ["1", "P", "I;16", "RGBA", "L"])
def test_decode_small_handles_modes_reduce_cannot(mode):
    img = Image.new("L", (1600, 900), 200).convert(mode)
    d = I.decode_small(_png(img), 400)
    assert d.pixels.shape[:2] == (225, 400) and d.pixels.dtype == np.uint8


def test_decode_small_leaves_small_pictures_alone():
    d = I.decode_small(_png(Image.new("RGB", (40, 30), (10, 200, 30))), 512)
    assert d.pixels.shape == (30, 40, 3) and not d.shrunk


def test_to_grey_scales_unit_floats_to_255_and_converts_colour():
    assert I.to_grey(np.full((4, 4), 0.5, np.float32), unit_to=255).max() == pytest.approx(127.5)
    assert I.to_grey(np.full((4, 4), 200, np.uint8), unit_to=255).max() == 200
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[..., 0] = 255
    assert I.to_grey(rgb, unit_to=255).shape == (4, 4) and I.to_grey(rgb, unit_to=255).max() == pytest.approx(76.245)
