"""The Draw page in a real browser: mouse strokes on the canvas, Clear, and a bad upload."""

import math

from playwright.sync_api import expect

from tests.support.server import open_page, wait_idle

PROMPT = "Draw a digit in the black square"
METRIC = "[data-testid='stMetricValue']"


def stroke(page, points, steps: int = 4) -> None:
    """One pen stroke through `points` (canvas pixels), with real mouse moves."""
    box = page.locator("canvas.upper-canvas").first.bounding_box()
    to = [(box["x"] + x, box["y"] + y) for x, y in points]
    page.mouse.move(*to[0])
    page.mouse.down()
    for p in to[1:]:
        page.mouse.move(*p, steps=steps)
    page.mouse.up()


def ellipse(cx, cy, rx, ry, n=28):
    return [(cx + rx * math.sin(2 * math.pi * i / n), cy - ry * math.cos(2 * math.pi * i / n)) for i in range(n + 1)]


DIGITS = [
    ("1", [[(150, 40), (146, 150), (142, 250)]]),  # tall, centred
    ("0", [ellipse(90, 110, 45, 70)]),  # medium, up and to the left
    ("7", [[(160, 150), (250, 150), (200, 265)]]),  # small, bottom right
]


def clear(page) -> None:
    page.get_by_role("button", name="Clear", exact=True).click()
    expect(page.get_by_text(PROMPT)).to_be_visible()
    wait_idle(page)
    page.locator("canvas.upper-canvas").first.wait_for()
    page.wait_for_timeout(500)  # the fresh canvas attaches its mouse handlers


def test_draw_digits_and_clear(page):
    open_page(page, "draw")
    expect(page.get_by_text(PROMPT)).to_be_visible()
    expect(page.locator(METRIC)).to_have_count(0)
    page.locator("canvas.upper-canvas").first.wait_for()
    page.wait_for_timeout(500)
    for digit, strokes in DIGITS:
        for s in strokes:
            stroke(page, s)
        expect(page.locator(METRIC).first).to_have_text(digit, timeout=30_000)
        wait_idle(page)
        expect(page.get_by_text("Every layer, in order")).to_be_visible()
        expect(page.get_by_text("conv1 · Conv2D")).to_be_visible()
        clear(page)
        expect(page.locator(METRIC)).to_have_count(0)


def test_bad_upload_shows_a_friendly_message(page):
    open_page(page, "draw")
    page.get_by_text("Upload a photo", exact=True).click()
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "digit.png", "mimeType": "image/png", "buffer": b"this is not a picture"}]
    )
    expect(page.get_by_text("digit.png cannot be used")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("not a picture we can read")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator(METRIC)).to_have_count(0)


def test_dark_on_light_photo_is_inverted_and_read(page):
    import io

    from PIL import Image, ImageDraw

    img = Image.new("L", (300, 400), 230)  # grey-white paper, dark pen
    ImageDraw.Draw(img).line([(70, 80), (230, 80), (120, 340)], fill=30, width=24, joint="curve")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    open_page(page, "draw")
    page.get_by_text("Upload a photo", exact=True).click()
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "seven.png", "mimeType": "image/png", "buffer": buf.getvalue()}]
    )
    expect(page.locator(METRIC).first).to_have_text("7", timeout=30_000)
    expect(page.get_by_text("so it was inverted first")).to_be_visible()


def test_an_upload_over_10_mb_is_explained_and_the_old_prediction_cleared(page, tmp_path):
    import numpy as np
    from PIL import Image

    from cnn_core.samples import load_samples

    open_page(page, "")
    open_page(page, "draw")
    page.get_by_text("Upload a photo", exact=True).click()
    wait_idle(page)
    good = tmp_path / "digit.png"
    Image.fromarray(np.asarray(load_samples().images[0])).resize((140, 140)).save(good)
    chooser = page.locator("[data-testid='stFileUploader'] input[type='file']")
    chooser.set_input_files(str(good))
    page.get_by_text("Prediction", exact=True).wait_for(timeout=60_000)
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(11 * 2**20))
    chooser.set_input_files(str(big))
    alert = page.locator("[data-testid='stAlert']", has_text="the limit is 10 MB")
    alert.wait_for()
    assert "big.png" in alert.inner_text() and "The file is 11.0 MB" in alert.inner_text()
    wait_idle(page)
    assert page.get_by_text("Prediction", exact=True).count() == 0
