"""AppTest smoke tests of the Home and Data pages."""

import subprocess
import sys

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def test_home_renders_the_seed_network_without_errors():
    at = AppTest.from_file(APP).run(timeout=60)
    assert not at.exception
    assert any("95,082" in c.value for c in at.caption)
    assert any("What is a CNN for" in e.label for e in at.expander)
    text = " ".join(m.value for m in at.markdown)
    assert "Max pooling (2x2 here) shrinks the maps, keeping the strongest response" in text
    from cnn_core.experiments import EXPERIMENTS

    assert all(e.title in text for e in EXPERIMENTS.values())  # Q42: the guided experiments, by name


def test_data_page_shows_shapes_and_updates_the_matrix(mnist):
    at = AppTest.from_file(APP)
    at.switch_page("app_pages/data.py").run(timeout=60)
    assert not at.exception
    assert [m.value for m in at.metric] == ["(60000, 28, 28)", "(60000,)", "(10000, 28, 28)", "(10000,)"]
    assert at.number_input(key="data_index").value == 7321
    before = at.get("plotly_chart")[2].proto.spec
    assert "train #7321" in before
    at.number_input(key="data_index").set_value(0).run(timeout=60)
    after = at.get("plotly_chart")[2].proto.spec
    assert "train #0" in after and after != before
    assert any("label 5" in m.value for m in at.markdown)  # train #0 is a 5


def test_data_page_without_the_dataset_falls_back_to_the_samples(tmp_path):
    """No cache and no network: a friendly warning, and the shipped digits instead."""
    code = f"""
import os, sys
os.environ["CNN_EXPLAINER_CACHE"] = {str(tmp_path)!r}
from cnn_core import data
def offline(progress): raise OSError("no network")
data._FETCHERS.update(keras=offline, npm=offline)
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
at = AppTest.from_file("app.py"); at.switch_page("app_pages/data.py"); at.run(timeout=60)
assert not at.exception, at.exception
assert any("could not be fetched" in w.value for w in at.warning), [w.value for w in at.warning]
assert "(101, 28, 28)" in [m.value for m in at.metric]
print("ok")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().endswith("ok"), r.stderr[-2000:]


def test_home_and_data_pages_do_not_import_tensorflow():
    code = """
import sys
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
at = AppTest.from_file(APP); at.run(timeout=60)
at.switch_page("app_pages/data.py"); at.run(timeout=60)
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip().splitlines()[-1] == "False False", r.stderr[-2000:]


def test_data_page_index_survives_a_visit_to_another_page(mnist):
    at = AppTest.from_file(APP)
    at.switch_page("app_pages/data.py").run(timeout=60)
    at.number_input(key="data_index").set_value(42).run(timeout=60)
    at.switch_page("app_pages/kernels.py").run(timeout=60)
    at.switch_page("app_pages/data.py").run(timeout=60)
    assert at.number_input(key="data_index").value == 42
    assert "train #42" in at.get("plotly_chart")[2].proto.spec
