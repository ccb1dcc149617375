"""AppTest of the Optimisers page: four paths on a 2-D surface, computed numbers in the captions, no TensorFlow."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.architecture import SEED_RECIPE
from cnn_core.optimisers import SURFACES, Constants, race

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Gradient descent", "Momentum", "RMSprop", "Adam"]


@pytest.fixture
def at():
    at = AppTest.from_file(str(ROOT / "app_pages" / "optimisers.py"), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _race_chart(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Contours of"))


def _table(at):
    return at.dataframe[0].value


def test_default_render_draws_four_paths_with_a_loss_legend(at):
    chart = _race_chart(at)
    names = [t.get("name") for t in chart["data"]]
    assert names == ["loss", *NAMES, "start", "minimum"]
    assert chart["data"][0]["colorbar"]["title"]["text"] == "loss"
    assert len(at.get("plotly_chart")) == 2  # the paths, and loss per step


def test_captions_and_table_are_the_computed_outcomes(at):
    s = SURFACES["valley"]
    expected = race(s, Constants(learning_rate=s.learning_rate), s.steps)
    caption, table = _caption(at), _table(at)
    assert f"start at ({s.start[0]:g}, {s.start[1]:g})" in caption
    for name, (_, o) in zip(NAMES, expected.values(), strict=True):
        assert f"{name} ended at loss {o.final_loss:.3g}, {o.distance:.3g} from the minimum" in caption
        row = table[table["optimiser"] == name].iloc[0]
        assert row["final loss"] == pytest.approx(o.final_loss) and row["distance to minimum"] == pytest.approx(
            o.distance
        )
        assert row["steps"] == s.steps


def test_momentum_zero_walks_the_gradient_descent_path(at):
    at.slider(key="opt_momentum").set_value(0.0).run()
    t = _table(at)
    gd, mom = (t[t["optimiser"] == n].iloc[0] for n in ("Gradient descent", "Momentum"))
    assert gd["final loss"] == mom["final loss"] and gd["distance to minimum"] == mom["distance to minimum"]
    assert any("fraction (0, the momentum)" in m.value for m in at.markdown)  # the words quote the slider


def test_each_constant_moves_only_the_paths_that_use_it(at):
    def losses():
        return _table(at).set_index("optimiser")["final loss"]

    before = losses()
    at.slider(key="opt_beta_1").set_value(0.5).run()  # Adam's alone
    after = losses()
    assert after["Adam"] != before["Adam"] and (after.drop("Adam") == before.drop("Adam")).all()
    before = after
    at.select_slider(key="opt_epsilon").set_value(1.0).run()  # RMSprop's and Adam's
    after = losses()
    assert after["Adam"] != before["Adam"] and after["RMSprop"] != before["RMSprop"]
    assert (after[["Gradient descent", "Momentum"]] == before[["Gradient descent", "Momentum"]]).all()
    words = " ".join(m.value for m in at.markdown)
    assert "beta_1 = 0.5" in words and "epsilon (1)" in words


def test_too_big_a_learning_rate_is_reported_as_a_blow_up(at):
    at.select_slider(key="opt_lr_valley").set_value(
        1.0
    ).run()  # 1.0 x 9 = 9 > 2: gradient descent overshoots more each step
    assert not at.exception
    assert "Gradient descent blew up at step" in _caption(at)
    assert _table(at).set_index("optimiser").loc["Gradient descent", "blew up at step"] != "-"


def test_curved_valley_has_its_own_start_and_learning_rate(at):
    at.radio(key="opt_surface").set_value("banana").run()
    s = SURFACES["banana"]
    assert "curved valley along y = x²" in _caption(at)
    assert f"start at ({s.start[0]:g}, {s.start[1]:g})" in _caption(at)
    assert at.select_slider(key="opt_lr_banana").value == s.learning_rate
    assert (_table(at)["steps"] == s.steps).all()


def test_explanations_correct_the_article_and_place_delta_and_gamma(at):
    words = " ".join(m.value for m in at.markdown)
    assert "Adam is not added over SGD" in words and f"batches of {SEED_RECIPE.batch_size}" in words
    assert "mini-batch" in words
    assert f"beta_1 ({SEED_RECIPE.beta_1:g})" in words and f"epsilon ({SEED_RECIPE.epsilon:g})" in words
    assert '"Delta" is the small stabilising constant' in words and "Keras' beta_1 and beta_2" in words
    assert len(at.get("latex")) == 4
    for name in NAMES:
        assert f"**{name}.**" in words


NO_TF = """
import sys
sys.path.insert(0, ROOT)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(ROOT + "/app_pages/optimisers.py", default_timeout=60)
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
