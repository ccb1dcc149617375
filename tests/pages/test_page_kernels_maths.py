"""AppTest of the Kernels page's Gaussian maths (formula + profile) and its colour view (K x K x 3 filter)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import channels as CH
from cnn_core import kernels as K

ROOT = Path(__file__).resolve().parents[2]
COLOUR = "Colour: one filter over red, green, blue"


@pytest.fixture
def at():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/kernels.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _profile_spec(at) -> dict:
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(s for s in specs if any(t.get("name") == "weights of the centre row" for t in s["data"]))


def _centre_row(spec) -> np.ndarray:
    trace = next(t for t in spec["data"] if t.get("name") == "weights of the centre row")
    y = trace["y"]
    if isinstance(y, dict):  # Plotly's binary encoding of a NumPy array
        import base64

        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return np.asarray(y, dtype=np.float64)


def test_gaussian_shows_its_formula_and_numbers_that_follow_sigma(at):
    assert not at.latex  # only the Gaussian has a formula
    at.selectbox(key="k_kernel").set_value("Gaussian blur").run()
    assert len(at.latex) == 2 and "2\\sigma^2" in at.latex[0].value and "Z = \\sum" in at.latex[0].value
    p = K.gaussian_profile(5, 1.0)
    assert f"Z = {p.total:.4g}" in at.latex[1].value and f"{1 / p.total:.4g}" in at.latex[1].value
    np.testing.assert_allclose(_centre_row(_profile_spec(at)), p.row, rtol=1e-6)
    at.slider(key="k_gauss_sigma").set_value(2.5).run()
    q = K.gaussian_profile(5, 2.5)
    assert f"Z = {q.total:.4g}" in at.latex[1].value and "\\sigma = 2.5" in at.latex[1].value
    np.testing.assert_allclose(_centre_row(_profile_spec(at)), q.row, rtol=1e-6)
    assert any(f"from {q.row.max():.4g} in the centre" in c.value for c in at.caption)
    at.select_slider(key="k_gauss_size").set_value(9).run()
    assert len(_centre_row(_profile_spec(at))) == 9 and "r = 4" in at.latex[1].value
    at.selectbox(key="k_kernel").set_value("Sobel x").run()
    assert not at.latex
    assert not at.exception


def _worked_sum(at) -> tuple[list[float], float]:
    text = next(m.value for m in at.markdown if m.value.startswith("At output pixel"))
    nums = [float(x) for x in re.findall(r"(?:red|green|blue|bias) (-?[\d.e+-]+)", text)]
    total = float(re.search(r"\*\*(-?[\d.e+-]+)\*\*", text).group(1))
    return nums, total


def _params(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Parameters of a Conv2D layer"))


def test_colour_view_sums_the_channels_and_counts_the_layers_parameters(at):
    at.radio(key="k_view").set_value(COLOUR).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("has no colour, so this view uses the shipped colour photo" in c.value for c in at.caption)
    parts, total = _worked_sum(at)
    assert len(parts) == 4 and abs(sum(parts) - total) <= 1e-3 * max(1.0, abs(total))
    k = at.selectbox(key="k_kernel").value
    size = K.library()[k].size
    p = CH.LayerParams(size, 3, 32)
    assert p.text.replace("*", "×") in _params(at) and f"has {p.grey_total:,}" in _params(at)
    at.number_input(key="k_filters").set_value(5).run()
    q = CH.LayerParams(size, 3, 5)
    assert q.text.replace("*", "×") in _params(at) and "output has 5 maps" in _params(at)


def test_red_only_mix_leaves_green_and_blue_out_and_bias_is_added_once(at):
    at.radio(key="k_view").set_value(COLOUR).run()
    at.selectbox(key="k_mix").set_value("Red only").run()
    at.number_input(key="k_bias").set_value(7.0).run()
    (red, green, blue, bias), total = _worked_sum(at)
    assert green == 0 and blue == 0 and bias == 7 and total == pytest.approx(red + 7, rel=1e-3)
    assert any("Red slice = 1 x kernel" in json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart"))


def test_custom_mix_and_a_two_kernel_operation(at):
    at.radio(key="k_source").set_value("Photo (astronaut, public domain)").run()
    at.radio(key="k_view").set_value(COLOUR).run()
    assert not any("has no colour" in c.value for c in at.caption)
    at.selectbox(key="k_mix").set_value("Custom").run()
    at.number_input(key="k_mix_red").set_value(2.0).run()
    at.number_input(key="k_mix_green").set_value(0.0).run()
    at.number_input(key="k_mix_blue").set_value(-1.0).run()
    parts, total = _worked_sum(at)
    assert parts[1] == 0 and abs(sum(parts) - total) <= 1e-3 * max(1.0, abs(total))
    at.selectbox(key="k_kernel").set_value("Gradient magnitude (Sobel)").run()
    assert any("first of the two Sobel kernels" in i.value for i in at.info)
    assert not at.exception


def test_colour_view_explains_a_kernel_that_does_not_fit(at):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.full((4, 4, 3), (200, 30, 30), np.uint8)).save(buf, "PNG")
    at.radio(key="k_source").set_value("Upload a picture").run()
    at.get("file_uploader")[0].upload("tiny.png", buf.getvalue(), "image/png").run()
    at.radio(key="k_view").set_value(COLOUR).run()
    at.selectbox(key="k_kernel").set_value("Box blur 5x5").run()
    assert any("does not fit" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not any(m.value.startswith("At output pixel") for m in at.markdown)
    at.selectbox(key="k_padding").set_value("zero").run()
    assert not at.warning
    (red, green, blue, bias), total = _worked_sum(at)
    assert red > 0 and total == pytest.approx(red + green + blue, rel=1e-3)
    assert not at.exception


NO_TF = """
import sys
sys.path.insert(0, ROOT)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(ROOT + "/app.py", default_timeout=60)
at.switch_page("app_pages/kernels.py"); at.run()
at.selectbox(key="k_kernel").set_value("Gaussian blur").run()
at.radio(key="k_view").set_value("Colour: one filter over red, green, blue").run()
assert not at.exception, [e.value for e in at.exception]
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
print(bad[:5])
sys.exit(1 if bad else 0)
"""


def test_gaussian_and_colour_views_do_not_import_tensorflow():
    code = f"ROOT = {str(ROOT)!r}\n" + NO_TF
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
