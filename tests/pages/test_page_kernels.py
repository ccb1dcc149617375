"""AppTest of the Kernels page: renders, reacts to kernel/padding/stride/position, explains bad input; no TensorFlow."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.support import big_png as big_png
from ui import state
from ui.errors import plain

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/kernels.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _formula(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Output size**"))


def _output_caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Output of "))


def _success(at) -> str:
    return at.success[0].value


def test_default_render_shows_the_valid_formula_and_output(at):
    assert "floor((28 - 3 + 0) / 1) + 1 = 26" in _formula(at)
    assert "26 x 26" in _output_caption(at)
    assert not at.error and not at.warning


def test_kernel_padding_and_stride_change_the_output_and_formula(at):
    before = _output_caption(at)
    at.selectbox(key="k_kernel").set_value("Sobel x").run()
    assert _output_caption(at) != before and "Sobel x" in _output_caption(at)
    assert "negative" in " ".join(m.value for m in at.markdown)  # why edge outputs go negative
    at.selectbox(key="k_padding").set_value("zero").run()
    assert "floor((28 - 3 + 2) / 1) + 1 = 28" in _formula(at)
    at.number_input(key="k_stride").set_value(3).run()
    assert "floor((28 - 3 + 2) / 3) + 1 = 10" in _formula(at)
    assert "10 x 10" in _output_caption(at)
    assert not any("Keras' 'same' pads only" in i.value for i in at.info)  # 9*3 + 3 - 28 = 2 = K - 1
    at.number_input(key="k_stride").set_value(2).run()
    assert any("Keras' 'same' pads only" in i.value for i in at.info)  # 13*2 + 3 - 28 = 1 < K - 1
    assert not at.exception


def test_step_position_changes_and_the_sum_is_the_output_pixel(at):
    at.radio(key="k_view").set_value("One window at a time").run()
    at.selectbox(key="k_kernel").set_value("Laplacian (4-neighbour)").run()
    first = _success(at)
    at.slider(key="k_row").set_value(5).run()
    at.slider(key="k_col").set_value(7).run()
    assert "Output pixel (5, 7)" in _success(at) and _success(at) != first
    at.button(key="k_next").click().run()
    assert "Output pixel (5, 8)" in _success(at)


def test_gaussian_size_and_flip_and_magnitude(at):
    at.selectbox(key="k_kernel").set_value("Gaussian blur").run()
    at.select_slider(key="k_gauss_size").set_value(15).run()
    assert "floor((28 - 15 + 0) / 1) + 1 = 14" in _formula(at)
    at.selectbox(key="k_kernel").set_value("Emboss").run()
    at.toggle(key="k_flip").set_value(True).run()
    assert "convolution" in _output_caption(at)
    assert any("flipped" in i.value for i in at.info)
    at.selectbox(key="k_kernel").set_value("Gradient magnitude (Sobel)").run()
    at.radio(key="k_view").set_value("One window at a time").run()
    assert any("Gradient magnitude: sqrt(" in m.value for m in at.markdown)
    assert not at.exception


def test_kernel_larger_than_the_picture_without_padding_is_explained(at):
    at.session_state[state.DRAWN_DIGIT] = np.zeros((3, 3), np.float32)  # a tiny 'drawn' picture
    at.run()
    at.radio(key="k_source").set_value("Digit drawn on the Draw page").run()
    at.selectbox(key="k_kernel").set_value("Box blur 5x5").run()
    assert any("does not fit" in w.value for w in at.warning)
    assert not at.exception


def test_drawn_digit_is_offered_when_present(at):
    digit = np.zeros((28, 28), np.float32)
    digit[5:20, 12:15] = 1.0
    at.session_state[state.DRAWN_DIGIT] = digit
    at.run()
    at.radio(key="k_source").set_value("Digit drawn on the Draw page").run()
    assert any("you last drew" in c.value for c in at.caption)
    assert not at.exception


@pytest.mark.parametrize(
    "edit,words",
    [
        ({1: {"2": None}}, "empty"),
        ({0: {"1": float("inf")}}, "too large"),
        ({0: {"1": 1e308}}, "too large"),
    ],
)
def test_bad_custom_kernel_cells_show_a_message(at, edit, words):
    at.selectbox(key="k_kernel").set_value("Custom (type your own)").run()
    at.session_state["k_custom_3"] = {"edited_rows": edit, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert not at.exception


def test_custom_kernel_normalise_of_a_zero_sum_kernel_warns(at):
    at.selectbox(key="k_kernel").set_value("Custom (type your own)").run()
    at.session_state["k_custom_3"] = {
        "edited_rows": {1: {"2": 0.0, "1": 1.0, "3": -1.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.toggle(key="k_normalise").set_value(True).run()
    assert any("sum to 0" in w.value for w in at.warning)
    assert not at.exception


def test_pooling_view_highlights_windows_and_pools_the_picture(at):
    at.radio(key="k_view").set_value("Pooling").run()
    assert any("floor((6 - 2) / 2) + 1 = 3" in m.value for m in at.markdown)
    at.slider(key="k_pool_window").set_value(5).run()
    assert any(c.value.startswith("Window 5") and "max = 9" in c.value for c in at.caption)
    at.radio(key="k_pool_size").set_value(3).run()
    at.radio(key="k_pool_stride").set_value(1).run()
    assert any("floor((6 - 3) / 1) + 1 = 4" in m.value for m in at.markdown)
    assert any("28 x 28 -> 26 x 26" in c.value for c in at.caption)
    assert not at.exception


def test_bad_pooling_cell_shows_a_message(at):
    at.radio(key="k_view").set_value("Pooling").run()
    at.session_state["k_pool_matrix"] = {"edited_rows": {0: {"1": None}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("empty" in e.value for e in at.error)
    assert not at.exception


def test_photo_source_is_downscaled_colour_filtered_in_grey(at):
    at.radio(key="k_source").set_value("Photo (astronaut, public domain)").run()
    assert any("grey version" in c.value for c in at.caption)
    assert "512 x 512" in _output_caption(at) or "510 x 510" in _output_caption(at)
    assert not at.exception


NO_TF = """
import sys
sys.path.insert(0, ROOT)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(ROOT + "/app_pages/kernels.py", default_timeout=60)
at.run()
assert not at.exception, [e.value for e in at.exception]
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
print(bad[:5])
sys.exit(1 if bad else 0)
"""


def test_running_the_page_does_not_import_tensorflow():
    code = f"ROOT = {str(ROOT)!r}\n" + NO_TF
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_difference_toggle_shows_the_difference_image(at):
    at.toggle(key="k_diff").set_value(True).run()
    assert any("Each output pixel is compared" in c.value for c in at.caption)
    assert not at.exception


def test_unvalidated_figures_are_valid_plotly():
    import plotly.graph_objects as go

    from ui.kernels.figures import grid, grid_row

    a = np.arange(30.0).reshape(5, 6) - 10
    figs = [
        grid(a, "t", signed=True, highlight=[(0, 0, 2, 2, "red")], padded=a < 0, origin=(1, 2)),
        grid(a, "t", zrange=(0, 255), text=True, fmt=".3~g"),
        grid_row([(a, "w", {"zrange": (0, 255)}), (a, "k", {"signed": True}), (a, "p", {"signed": True})]),
    ]
    for f in figs:
        go.Figure(f.to_dict())  # full validation raises on any invalid property


def test_play_advances_the_position_on_each_run(at):
    at.radio(key="k_view").set_value("One window at a time").run()
    assert "Output pixel (13, 13)" in _success(at)
    at.toggle(key="k_play").set_value(True).run()
    assert "Output pixel (13, 14)" in _success(at)
    at.run()
    assert "Output pixel (13, 15)" in _success(at)
    at.toggle(key="k_play").set_value(False).run()
    assert "Output pixel (13, 15)" in _success(at)


def _png_bytes(a: np.ndarray) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    return buf.getvalue()


def test_large_colour_upload_is_downscaled_with_a_note(at):
    at.radio(key="k_source").set_value("Upload a picture").run()
    assert any("Choose a picture" in i.value for i in at.info)
    rgb = np.zeros((600, 800, 3), np.uint8)
    rgb[:, 400:, 0] = 255
    at.get("file_uploader")[0].upload("wide.png", _png_bytes(rgb), "image/png").run()
    assert any("Downscaled from 600 x 800 to 384 x 512" in c.value for c in at.caption)
    assert any("grey version" in c.value for c in at.caption)
    assert "382 x 510" in _output_caption(at)
    assert not at.exception


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("empty.png", b"", "empty"),
        ("notes.png", b"plain text, not a picture\n" * 10, "not a picture"),
        ("dot.png", None, "at least 3x3"),
    ],
)
def test_bad_uploads_show_a_friendly_error(at, name, data, words):
    if data is None:
        data = _png_bytes(np.zeros((1, 1), np.uint8))
    at.radio(key="k_source").set_value("Upload a picture").run()
    at.get("file_uploader")[0].upload(name, data, "image/png").run()
    assert any(words in e.value and plain(name) in e.value for e in at.error), [e.value for e in at.error]
    assert not at.exception


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_huge_uploads_are_told_the_megapixel_limit(at, side):
    at.radio(key="k_source").set_value("Upload a picture").run()
    at.get("file_uploader")[0].upload("huge.png", big_png.flat_png(side, side), "image/png").run()
    errors = [e.value for e in at.error]
    assert any(f"The picture is {side} x {side} pixels; the limit is 40 megapixels." in e for e in errors), errors
    assert not any("not a picture" in e for e in errors)


def test_a_file_name_is_shown_as_text_never_as_markdown(at):
    at.radio(key="k_source").set_value("Upload a picture").run()
    name = "[click](http://example.com) **big** $x$.png"
    at.get("file_uploader")[0].upload(name, b"", "image/png").run()
    (err,) = [e.value for e in at.error]
    assert "\\[click\\]\\(http\\:" in err and "\\*\\*big" in err and "\\$x\\$" in err


def test_settings_survive_switching_the_view_and_the_page(at):
    at.selectbox(key="k_kernel").set_value("Sobel x").run()
    at.selectbox(key="k_padding").set_value("zero").run()
    at.number_input(key="k_stride").set_value(2).run()
    at.toggle(key="k_flip").set_value(True).run()
    at.radio(key="k_view").set_value("Pooling").run()
    at.radio(key="k_pool_size").set_value(3).run()
    at.radio(key="k_view").set_value("Input, kernel and output").run()
    assert at.selectbox(key="k_kernel").value == "Sobel x" and at.number_input(key="k_stride").value == 2
    assert "floor((28 - 3 + 1) / 2) + 1 = 14" in _formula(at)
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/kernels.py").run()
    assert at.selectbox(key="k_kernel").value == "Sobel x" and at.selectbox(key="k_padding").value == "zero"
    assert at.number_input(key="k_stride").value == 2 and at.toggle(key="k_flip").value
    at.radio(key="k_view").set_value("Pooling").run()
    assert at.radio(key="k_pool_size").value == 3
    assert not at.exception


def test_kernel_text_follows_the_weights_and_border_text_the_stride(at):
    def text():
        return " ".join(m.value for m in at.markdown)

    at.selectbox(key="k_kernel").set_value("Sharpen").run()
    assert "add up to **1**" in text() and "sharpening" in text()
    at.selectbox(key="k_kernel").set_value("Outline").run()
    assert "add up to **0**" in text() and "finds edges" in text() and "sharpening" not in text()
    assert "at stride 1, as here, the output keeps the input's size" in text()
    at.number_input(key="k_stride").set_value(2).run()
    assert "the output keeps the input's size" not in text() and "1/2 of the input" in text()
    assert not at.exception


def test_the_picture_source_is_labelled_in_words_not_with_a_class_name(at):
    """A code rename once leaked into the label ('KernelPicture')."""
    assert at.radio(key="k_source").label == "Picture"
