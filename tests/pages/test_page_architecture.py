"""AppTest of the Architecture page: the live table, the editors, invalid networks, the Keras check."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.architecture import ACTIVATIONS, PRESETS, SEED
from cnn_core.formulas import layer_table
from ui import state

ROOT = Path(__file__).resolve().parents[2]


def _open() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/architecture.py").run()
    assert not at.exception, at.exception
    return at


def _total(at) -> str:
    return next(m.value for m in at.metric if m.label == "Total parameters")


def _table(at):
    return at.table[0].value


def test_default_render_shows_the_seed_numbers():
    at = _open()
    assert _total(at) == "95,082"
    t = _table(at)
    assert t["Parameters"].iloc[-1] == "95,082"
    assert list(t["Output shape"]) == [
        "28 x 28 x 1", "26 x 26 x 32", "13 x 13 x 32", "11 x 11 x 64", "5 x 5 x 64", "3 x 3 x 64",
        "576", "64", "32", "10", "",
    ]  # fmt: skip
    formulas = " ".join(t["Output size: formula = value"])
    for n in ("= 26", "= 13", "= 11", "= 5", "= 3", "= 576"):
        assert n in formulas
    params = " ".join(t["Parameters: formula = value"])
    for n in ("320", "18,496", "36,928", "2,080", "330", "95,082"):
        assert n in params
    assert at.session_state[state.ARCHITECTURE] == SEED
    assert not at.error
    assert any("Q23" in e.label for e in at.expander)


def test_changing_filters_gives_keras_total():
    keras_model = pytest.importorskip("cnn_core.nn.model")
    at = _open()
    at.number_input(key="arch_c1_filters").set_value(16).run()
    edited = replace(SEED, conv_blocks=(replace(SEED.conv_blocks[0], filters=16), *SEED.conv_blocks[1:]))
    expected = keras_model.build_model(edited).count_params()
    assert _total(at) == f"{expected:,}" == "85,706"
    assert at.session_state[state.ARCHITECTURE] == edited
    at.button(key="arch_check_keras").click().run()
    assert not at.exception
    assert any("Keras agrees on every layer" in s.value and "85,706" in s.value for s in at.success)
    assert at.table[1].value["Param #"].iloc[-1] == "85,706"


def test_invalid_network_is_explained_and_highlighted():
    at = _open()
    at.number_input(key="arch_n_conv").set_value(4).run()
    at.number_input(key="arch_c4_kernel_size").set_value(7).run()
    at.selectbox(key="arch_c4_padding").set_value("valid").run()
    assert not at.exception
    assert len(at.error) == 1
    assert "conv4 cannot exist" in at.error[0].value and "7x7 kernel does not fit" in at.error[0].value
    assert "⚠ conv4" in list(_table(at)["Layer"])
    kept = at.session_state[state.ARCHITECTURE]  # the Train page keeps the last buildable network
    assert layer_table(kept).valid and len(kept.conv_blocks) == 4
    assert any("cannot be built, so the Train page keeps the last one" in w.value for w in at.warning)
    at.button(key="arch_check_keras").click().run()  # Keras refuses; the page says so calmly
    assert not at.exception
    assert any("Keras refused" in w.value for w in at.warning)


def test_presets_and_dense_editing():
    at = _open()
    for name, arch in PRESETS.items():
        at.selectbox(key="arch_preset").set_value(name).run()
        assert not at.exception
        assert _total(at) == f"{layer_table(arch).total_params:,}", name
        assert at.session_state[state.ARCHITECTURE] == arch
    at.selectbox(key="arch_preset").set_value("seed").run()
    at.number_input(key="arch_n_dense").set_value(0).run()
    assert _total(at) == f"{3 * 3 * 64 * 10 + 10 + 320 + 18_496 + 36_928:,}"


def test_edits_survive_a_visit_to_another_page():
    at = _open()
    at.number_input(key="arch_c2_filters").set_value(10).run()
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/architecture.py").run()
    assert at.number_input(key="arch_c2_filters").value == 10
    assert at.session_state[state.ARCHITECTURE].conv_blocks[1].filters == 10


def test_page_imports_tensorflow_only_for_the_keras_check():
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=120)
at.run()
at.switch_page("app_pages/architecture.py").run()
at.number_input(key="arch_c1_filters").set_value(16).run()
print("before", "tensorflow" in sys.modules, "keras" in sys.modules)
at.button(key="arch_check_keras").click().run()
print("after", "tensorflow" in sys.modules, [s.value[:30] for s in at.success])
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT)
    lines = r.stdout.strip().splitlines()
    assert "before False False" in lines, r.stdout + r.stderr[-2000:]
    assert any(line.startswith("after True") and "Keras agrees" in line for line in lines), r.stdout


def test_answers_carry_the_article_numbers_as_plain_text():
    from ui.architecture.text import _answers

    answers = dict(_answers())
    text = " ".join(answers.values())
    assert "*" not in text  # Markdown would turn a*b*c into emphasis
    for n in ("26", "320", "18,496", "36,928", "2,080", "330", "576", "13"):
        assert n in text, n
    assert [t.split(".")[0] for t in answers] == ["Q18", "Q19", "Q20", "Q21", "Q23", "Q28", "Q29", "Q31"]


def test_hidden_blocks_unbuildable_networks_and_the_preset_survive():
    at = _open()
    at.selectbox(key="arch_preset").set_value("wide").run()
    at.number_input(key="arch_n_conv").set_value(4).run()
    at.number_input(key="arch_c4_filters").set_value(100).run()
    at.number_input(key="arch_n_conv").set_value(3).run()  # block 4 hidden: Streamlit drops its widgets
    at.run()
    at.number_input(key="arch_n_conv").set_value(4).run()
    assert at.number_input(key="arch_c4_filters").value == 100
    at.number_input(key="arch_c4_kernel_size").set_value(7).run()
    at.selectbox(key="arch_c4_padding").set_value("valid").run()  # cannot be built
    assert len(at.error) == 1
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/architecture.py").run()
    assert (
        at.number_input(key="arch_c4_kernel_size").value == 7 and at.selectbox(key="arch_c4_padding").value == "valid"
    )
    assert at.selectbox(key="arch_preset").value == "wide"
    assert len(at.error) == 1 and not at.exception


def test_editor_limits_and_preset_label_come_from_the_library():
    from cnn_core.architecture import LIMITS

    at = _open()
    at.number_input(key="arch_n_conv").set_value(LIMITS.conv_blocks[1]).run()
    at.number_input(key="arch_n_dense").set_value(LIMITS.dense_layers[1]).run()
    for key, (lo, hi) in {
        "arch_n_conv": LIMITS.conv_blocks,
        "arch_n_dense": LIMITS.dense_layers,
        "arch_c4_filters": LIMITS.filters,
        "arch_c4_kernel_size": LIMITS.kernel_size,
        "arch_c4_stride": LIMITS.stride,
        "arch_d3_units": LIMITS.units,
    }.items():
        w = at.number_input(key=key)
        assert (w.min, w.max) == (lo, hi), key
    assert at.selectbox(key="arch_c4_pool_size").options == [str(s) for s in LIMITS.pool_sizes]
    assert (LIMITS.filters, LIMITS.kernel_size, LIMITS.stride, LIMITS.units) == ((1, 256), (1, 7), (1, 3), (1, 1024))
    assert "Seed (the article's network, 95k parameters)" in at.selectbox(key="arch_preset").options


def test_the_diagram_is_the_homes_one_colour_per_kind_with_a_legend():
    from ui.figures import COLOURS

    at = _open()
    at.selectbox(key="arch_c1_pool").set_value("average").run()
    diagram, costs = at.get("plotly_chart")[:2]
    for spec in (diagram.proto.spec, costs.proto.spec):
        assert COLOURS["AveragePooling2D"] in spec and COLOURS["MaxPooling2D"] in spec
    home = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    home_spec = next(
        c.proto.spec for c in home.get("plotly_chart") if '"name":"Input"' in c.proto.spec.replace(" ", "")
    )
    for kind in ("Input", "Conv2D", "MaxPooling2D", "Flatten", "Dense"):
        assert f'"name":"{kind}"' in home_spec.replace(" ", "") and COLOURS[kind] in home_spec
    assert "AveragePooling2D" not in home_spec  # the seed has none: its legend lists only what it draws
    assert any("Data flows left to right: input 28 x 28 x 1" in c.value for c in home.caption)


def test_answers_speak_of_same_padding_and_pooling_only_where_they_hold():
    from ui.architecture.text import _answers

    answers = dict(_answers())
    q20 = next(v for k, v in answers.items() if k.startswith("Q20"))
    assert "at stride 1 the map keeps its size (28)" in q20 and "at stride 2 'same' gives 14" in q20
    q29 = next(v for k, v in answers.items() if k.startswith("Q29"))
    assert "2x2 max pooling" in q29
    q18 = next(v for k, v in answers.items() if k.startswith("Q18"))
    assert "32 separate 3x3 patterns" in q18 and "26 x 26 x 32" in q18


def _activation_chart(at) -> dict:
    import json

    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(
        s for s in specs if s["layout"].get("legend", {}).get("title", {}).get("text", "").startswith("activation")
    )


def test_activation_curves_follow_the_editor():
    """All five curves; the ones the network uses are named with their layers, and the words follow a change."""
    from cnn_core.activations import activate

    at = _open()
    chart = _activation_chart(at)
    names = [t["name"] for t in chart["data"]]
    assert names == ["relu (conv1, conv2, conv3, dense1, dense2)", *(f"{n} (not used)" for n in ACTIVATIONS[1:])]
    thick = [t["line"]["width"] for t in chart["data"]]
    assert thick[0] > max(thick[1:])
    import base64

    import numpy as np

    xs = chart["data"][0]["x"]  # plotly sends a NumPy array as base64 bytes
    xs = np.frombuffer(base64.b64decode(xs["bdata"]), dtype=xs["dtype"]) if isinstance(xs, dict) else np.array(xs)
    assert xs[0] == -4 and xs[-1] == 4
    assert any("relu: output 0 or more" in c.value for c in at.caption)  # beside the selectbox
    assert any("softmax" in c.value and "10 probabilities" in c.value for c in at.caption)

    at.selectbox(key="arch_d2_activation").set_value("tanh").run()
    at.selectbox(key="arch_c1_activation").set_value("elu").run()
    assert not at.exception
    names = [t["name"] for t in _activation_chart(at)["data"]]
    assert "elu (conv1)" in names and "tanh (dense2)" in names and "relu (conv2, conv3, dense1)" in names
    words = " ".join(m.value for m in at.markdown)
    assert "**tanh** (dense2)" in words and f"a sum of -2 becomes {activate('tanh', -2.0):.3g}" in words
    assert "**elu** (conv1)" in words and f"a sum of -2 becomes {activate('elu', -2.0):.3g}" in words
    assert "Not used in this network: sigmoid, linear" in words
    assert any(c.value.startswith("elu: output above -1") for c in at.caption)
    assert at.session_state[state.ARCHITECTURE].conv_blocks[0].activation == "elu"


def test_q19_shows_real_planes_of_a_sample_digit_without_tensorflow():
    """The Q19 answer sits beside four first-layer planes and their filters, computed in NumPy."""
    from cnn_core.samples import load_samples
    from cnn_core.seed_facts import first_layer_map, load_facts

    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.switch_page("app_pages/architecture.py").run()
    assert not at.exception
    at.slider(key="arch_q19_filter").set_value(5).run()
    cap = next(c.value for c in at.caption if "through filters 5-8" in c.value)
    s, f = load_samples(), load_facts()
    top = max(first_layer_map(s.images[0], f, i).response.max() for i in range(4, 8))
    assert f"0 to {top:.3g}" in cap
