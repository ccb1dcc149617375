"""AppTest of the live elements beside Home's answers (Q1, Q3, Q4, Q5, Q17, Q42), and of the Q19 link."""

import json
import subprocess
import sys

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.data import N_PIXELS
from cnn_core.samples import load_samples
from cnn_core.seed_facts import first_layer_map, load_facts, load_record
from cnn_core.shifting import changed, shift
from tests.conftest import APP


@pytest.fixture
def at():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at, *keys: str):
    """Open lazily rendered answers (their live parts run only while open)."""
    for k in keys:
        at.session_state[k] = True
    return at.run()


def _caption(at, start: str) -> str:
    return next(c.value for c in at.caption if c.value.startswith(start))


def test_q1_q17_show_the_shipped_models_answer_and_record_for_the_chosen_digit(at):
    f, r, s = load_facts(), load_record(), load_samples()
    text = _caption(at, "Ten probabilities")
    assert f"{r.test_accuracy:.2%}" in text and "precomputed" in text
    assert f"goes to {int(f.probs[0].argmax())}" in text
    assert any(f"from {r.loss[0]:.3f} after the first epoch to {r.loss[-1]:.3f}" in m.value for m in at.markdown)
    j = int(np.flatnonzero(s.indices == 7349)[0])
    at.selectbox(key="home_digit").set_value(7349).run()
    assert f"goes to {int(f.probs[j].argmax())}" in _caption(at, "Ten probabilities")
    bars = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "answer for #7349" in c.proto.spec]
    assert len(bars) == 1


def test_q3_filter_slider_changes_the_map_computed_from_the_shipped_weights(at):
    f, s = load_facts(), load_samples()
    assert not any(c.value.startswith("Filter 1 of the shipped") for c in at.caption)  # closed: not computed
    _open(at, "home_q3")
    m = first_layer_map(s.images[0], f, 0)
    assert f"strongest ({m.response.max():.3g})" in _caption(at, "Filter 1 of the shipped")
    at.slider(key="home_filter").set_value(f.filters).run()
    m2 = first_layer_map(s.images[0], f, f.filters - 1)
    text = _caption(at, f"Filter {f.filters} of the shipped")
    assert f"strongest ({m2.response.max():.3g})" in text and f"bias {m2.bias:.3g}" in text
    assert any("After pooling 13 x 13" in c.proto.spec for c in at.get("plotly_chart"))


def test_q4_a_digit_filter_reads_the_photo(at):
    _open(at, "home_q4")
    at.slider(key="home_photo_filter").set_value(3).run()
    assert "First-layer filter 3, learned only from handwritten digits" in _caption(at, "First-layer filter 3")
    assert not at.exception


def test_q5_moving_the_digit_counts_the_changed_numbers_and_reports_the_precomputed_reading(at):
    f, s = load_facts(), load_samples()
    img = s.images[0]
    _open(at, "home_q5")
    n = changed(img, shift(img, 0, 1))
    assert _caption(at, f"{n} of the {N_PIXELS} numbers").count("precomputed") == 1
    at.slider(key="home_dy").set_value(-2).run()
    at.slider(key="home_dx").set_value(3).run()
    n2 = changed(img, shift(img, -2, 3))
    assert n2 != n and at.metric[0].value == f"{n2} of {N_PIXELS}"
    digit, p = f.shifted(int(s.indices[0]), -2, 3)
    acc = f.shift_accuracy(s.labels)[(f.shifts[:, 0] == -2) & (f.shifts[:, 1] == 3)][0]
    text = _caption(at, f"{n2} of the {N_PIXELS} numbers")
    assert f"reads this moved digit as {digit} ({p:.1%})" in text and f"{acc:.0%} of the {len(s.indices)}" in text


def test_q42_plots_the_shipped_models_training_record(at):
    r = load_record()
    _open(at, "home_q42")
    text = _caption(at, "Accuracy per epoch")
    assert f"best after epoch {r.best_val_epoch}" in text and f"{r.test_accuracy:.2%}" in text
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "validation images" in c.proto.spec)
    assert len(spec["data"]) == 2


def test_home_live_elements_do_not_import_tensorflow():
    code = """
import sys
from streamlit.testing.v1 import AppTest
from tests.conftest import APP
at = AppTest.from_file(APP, default_timeout=60); at.run()
for k in ("home_q3", "home_q4", "home_q5", "home_q42"):
    at.session_state[k] = True
at.run()
at.slider(key="home_filter").set_value(5).run(); at.slider(key="home_dx").set_value(-3).run()
at.selectbox(key="home_digit").set_value(7349).run()
assert not at.exception, at.exception
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "False False", r.stderr[-2000:]


def test_q19_answer_links_to_the_real_feature_maps():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/architecture.py").run()
    (q19,) = [e for e in at.expander if e.label.startswith("Q19")]
    links = [c for c in q19.children.values() if c.type == "page_link"]
    assert len(links) == 1 and links[0].proto.page == "draw" and "feature maps" in links[0].proto.label


def test_unvalidated_panels_figure_is_valid_plotly():
    import plotly.graph_objects as go

    from ui.home.figures import CHANGED, DIVERGING, panels

    a = np.arange(28 * 28.0).reshape(28, 28)
    w = np.arange(9.0).reshape(3, 3) - 4
    fig = panels(
        [
            dict(z=a, title="a", colorbar="0-255", zrange=(0, 255)),
            dict(z=w, title="w", colorbar="weight", zrange=(-4, 4), scale=DIVERGING),
            dict(z=a > 300, title="m", colorbar="changed", scale=CHANGED),
        ]
    )
    go.Figure(fig.to_dict())  # full validation raises on any invalid property
    assert len(fig.data) == 3 and "texttemplate" in fig.to_dict()["data"][1]
