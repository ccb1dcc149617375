"""The Kernels page in a real browser: kernel and stride change the output and the formula; a bad upload is explained."""

from tests.support.server import open_page, wait_idle

OUTPUT_CHART = "() => [...document.querySelectorAll('.js-plotly-plot')].find(g => ((g.layout||{}).title||{}).text?.includes('Output ('))"


def _open(page):
    open_page(page, "")  # a fresh server resolves page URLs only after app.py has run once
    open_page(page, "kernels")
    page.wait_for_function(f"({OUTPUT_CHART})() !== undefined")


def _output_caption(page) -> str:
    return page.get_by_text("Output of ", exact=False).first.inner_text()


def _formula(page) -> str:
    return page.locator("[data-testid='stMarkdownContainer']", has_text="Output size").first.inner_text()


def _remember_output(page) -> None:
    page.evaluate(f"() => {{ window.__prev = ({OUTPUT_CHART})().data; }}")


def _output_redrawn(page) -> None:
    page.wait_for_function(f"() => {{ const g = ({OUTPUT_CHART})(); return g && g.data !== window.__prev; }}")


def test_kernel_and_stride_change_the_output_and_the_formula(page):
    _open(page)
    assert "= 26" in _formula(page)
    before = _output_caption(page)
    shot = page.locator("[data-testid='stPlotlyChart']").nth(2).screenshot()

    _remember_output(page)
    page.get_by_role("combobox", name="Kernel").click()
    page.get_by_role("option", name="Sobel x", exact=True).click()
    _output_redrawn(page)
    wait_idle(page)
    after = _output_caption(page)
    assert after != before and "Sobel x" in after
    assert page.locator("[data-testid='stPlotlyChart']").nth(2).screenshot() != shot  # the picture changed

    _remember_output(page)
    stride = page.get_by_label("Stride (1-4)")
    stride.fill("2")
    stride.press("Enter")
    _output_redrawn(page)
    wait_idle(page)
    assert "floor((28 - 3 + 0) / 2) + 1 = 13" in _formula(page)
    assert "13 x 13" in _output_caption(page)


def test_bad_upload_shows_a_friendly_message(page, tmp_path):
    _open(page)
    page.get_by_text("Upload a picture", exact=True).click()
    wait_idle(page)
    bad = tmp_path / "not_a_picture.png"
    bad.write_bytes(b"this is plain text pretending to be a PNG\n" * 20)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bad))
    wait_idle(page)
    alert = page.locator("[data-testid='stAlert']", has_text="not a picture")
    alert.wait_for()
    assert "not_a_picture.png" in alert.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0


def test_play_and_next_position_work_from_the_keyboard(page):
    _open(page)
    page.get_by_text("One window at a time", exact=True).click()
    wait_idle(page)
    pixel = page.get_by_text("Output pixel (")
    assert pixel.inner_text().startswith("Output pixel (13, 13)")
    page.get_by_role("button", name="Next position").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Output pixel (13, 14)").wait_for()
    play = page.get_by_label("Play: walk through the positions (one per second)")
    play.focus()
    page.keyboard.press("Space")
    page.get_by_text("Output pixel (13, 16)").wait_for(timeout=15_000)  # advanced by itself
    play.focus()
    page.keyboard.press("Space")
    wait_idle(page)
    assert not play.is_checked()


KERNEL_Z = "() => [...document.querySelectorAll('.js-plotly-plot')].find(g => ((g.layout||{}).title||{}).text?.includes('(3x3)'))?.data[0].z?._inputArray?.map(r => Array.from(r))"


def _choose_view(page, view: str) -> None:
    page.get_by_text(view, exact=True).click()
    wait_idle(page)


def _custom_kernel_is_kept(page) -> None:
    page.wait_for_function(f"() => JSON.stringify(({KERNEL_Z})()) === JSON.stringify([[5,0,0],[0,1,0],[0,0,0]])")
    assert page.get_by_role("combobox", name="Kernel").input_value() == "Custom (type your own)"
    assert page.get_by_label("Stride (1-4)").input_value() == "2"
    assert "floor((28 - 3 + 0) / 2) + 1 = 13" in _formula(page)


def test_custom_weights_and_stride_survive_a_view_switch_and_a_visit_to_data(page):
    _open(page)
    page.get_by_role("combobox", name="Kernel").click()
    page.get_by_role("option", name="Custom (type your own)", exact=True).click()
    wait_idle(page)
    grid = page.locator("[data-testid='stDataFrame'], [data-testid='stDataEditor']").first
    grid.wait_for()
    page.wait_for_timeout(1000)  # the grid takes clicks only once its canvas has laid out
    box = grid.bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 6, box["y"] + box["height"] * 0.37)  # the top-left weight
    page.locator("input.gdg-input").wait_for()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("5", delay=50)
    page.keyboard.press("Enter")
    wait_idle(page)
    stride = page.get_by_label("Stride (1-4)")
    stride.fill("2")
    stride.press("Enter")
    wait_idle(page)
    _custom_kernel_is_kept(page)

    _choose_view(page, "Pooling")
    page.get_by_text("Pool size F").wait_for()
    _choose_view(page, "Input, kernel and output")
    _custom_kernel_is_kept(page)

    page.locator("[data-testid='stSidebarNav']").get_by_text("Data", exact=True).click()
    page.get_by_role("heading", name="The data: 70,000 handwritten digits").wait_for()
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Kernels", exact=True).click()
    wait_idle(page)
    _custom_kernel_is_kept(page)


def test_an_upload_over_10_mb_is_explained_and_the_old_output_cleared(page, tmp_path):
    import numpy as np
    from PIL import Image

    _open(page)
    page.get_by_text("Upload a picture", exact=True).click()
    wait_idle(page)
    good = tmp_path / "stripes.png"
    Image.fromarray(np.tile(np.arange(64, dtype=np.uint8) * 4, (48, 1))).save(good)
    chooser = page.locator("[data-testid='stFileUploader'] input[type='file']")
    chooser.set_input_files(str(good))
    page.get_by_text("Output of ", exact=False).first.wait_for()
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(11 * 2**20))
    chooser.set_input_files(str(big))
    alert = page.locator("[data-testid='stAlert']", has_text="the limit is 10 MB")
    alert.wait_for()
    assert "The file is 11.0 MB" in alert.inner_text()
    wait_idle(page)
    assert page.get_by_text("Output of ", exact=False).count() == 0  # the previous picture's output is gone
