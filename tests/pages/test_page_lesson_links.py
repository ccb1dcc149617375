"""AppTest of lesson links on the Kernels, Architecture, Data and Evaluate pages: the address sets the
widgets, follows them, fixes (locks) what it names, explains what it cannot use, and never carries identity."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.arch_string import parse
from cnn_core.formulas import layer_table
from ui import address, state

ROOT = Path(__file__).resolve().parents[2]
KEY = "0123456789abcdef" * 2  # a private token: must never reach a copied link


def _open(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _link(at) -> str:
    return next(c.value for c in at.code if "://" in c.value)


def _reload(at, page: str) -> AppTest:
    """A new session on the address the last one ended with (what the browser's reload does)."""
    return _open(page, {k: at.query_params[k] for k in at.query_params})


def test_kernels_address_sets_the_widgets_and_locks_what_it_names():
    at = _open("kernels", {"kernel": "sobel-x", "stride": "3", "padding": "zero", "lock": "kernel,stride", "key": KEY})
    assert at.selectbox(key="k_kernel").value == "Sobel x" and at.selectbox(key="k_kernel").disabled
    assert at.number_input(key="k_stride").value == 3 and at.number_input(key="k_stride").disabled
    assert at.selectbox(key="k_padding").value == "zero" and not at.selectbox(key="k_padding").disabled
    assert any("fixed by the lesson" in i.value for i in at.info)
    link = _link(at)
    assert link.endswith("/kernels?kernel=sobel-x&padding=zero&stride=3&lock=kernel,stride")
    assert KEY not in link and "key=" not in link
    assert at.query_params["key"] == KEY  # the learner's own address keeps their key

    at.button(key="address_unlock_kernels").click().run()
    assert not at.selectbox(key="k_kernel").disabled and "lock" not in at.query_params
    assert not any("fixed by the lesson" in i.value for i in at.info)
    at.selectbox(key="k_kernel").set_value("Emboss").run()
    at.toggle(key="k_flip").set_value(True).run()
    assert at.query_params["kernel"] == "emboss" and at.query_params["flip"] == "1"
    assert at.query_params["key"] == KEY and "lock=" not in _link(at)


def test_kernels_view_survives_a_reload_custom_grid_and_step_position_included():
    at = _open("kernels")
    at.radio(key="k_view").set_value("One window at a time").run()
    at.selectbox(key="k_kernel").set_value("Custom (type your own)").run()
    at.session_state["k_custom_3"] = {"edited_rows": {0: {"1": 5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.number_input(key="k_stride").set_value(2).run()
    at.slider(key="k_row").set_value(4).run()
    at.slider(key="k_col").set_value(9).run()
    assert "Output pixel (4, 9)" in at.success[0].value
    assert at.query_params["grid"] == "5,0,0/0,1,0/0,0,0" and at.query_params["view"] == "steps"
    again = _reload(at, "kernels")
    assert again.radio(key="k_view").value == "One window at a time"
    assert again.selectbox(key="k_kernel").value == "Custom (type your own)"
    assert again.number_input(key="k_stride").value == 2
    assert (again.slider(key="k_row").value, again.slider(key="k_col").value) == (4, 9)
    assert again.success[0].value == at.success[0].value  # the same window, the same sum
    assert {k: again.query_params[k] for k in again.query_params} == {k: at.query_params[k] for k in at.query_params}


def test_kernels_bad_address_is_explained_escaped_and_the_page_still_works():
    at = _open("kernels", {"kernel": "<b>[x](http://evil)</b>", "stride": "99", "grid": "1,2/3", "zzz": "1"})
    notes = " ".join(w.value for w in at.warning)
    assert "stride 99 is outside 1-4, so 4 is used" in notes.replace("\\", "")
    assert "<b>" not in notes and "\\<b\\>" in notes and "\\[x\\]" in notes  # shown as text, never as HTML or a link
    assert at.number_input(key="k_stride").value == 4 and at.selectbox(key="k_kernel").value == "Identity"
    assert "zzz" in at.query_params  # not ours: left alone
    assert not at.error


def test_a_too_long_address_opens_the_usual_page_with_a_note():
    at = _open("kernels", {"stride": "2", "grid": "1," * 1200})
    assert any("too long" in w.value for w in at.warning)
    assert at.number_input(key="k_stride").value == 1


def test_back_button_puts_the_previous_settings_back(monkeypatch):
    at = _open("kernels")
    at.number_input(key="k_stride").set_value(2).run()
    earlier = {k: at.query_params[k] for k in at.query_params}
    at.number_input(key="k_stride").set_value(3).run()
    at.selectbox(key="k_padding").set_value("wrap").run()
    assert at.query_params["stride"] == "3"
    at.query_params.clear()
    for k, v in earlier.items():  # what the browser's back button sends: the earlier address
        at.query_params[k] = v
    monkeypatch.setattr(address, "_history_navigation", lambda: True)
    at.run()
    assert at.number_input(key="k_stride").value == 2 and at.selectbox(key="k_padding").value == "valid"
    monkeypatch.setattr(address, "_history_navigation", lambda: False)
    at.query_params.clear()  # a page switch empties the address: the settings stay
    at.run()
    assert at.number_input(key="k_stride").value == 2 and at.query_params["stride"] == "2"


NET = "c16k5-same-p2,c32k3s2-tanh/d50"


def test_architecture_address_loads_the_network_for_the_editor_and_the_train_page():
    at = _open("architecture", {"net": NET, "lock": "kernel"})
    arch = parse(NET)[0]
    total = layer_table(arch).total_params
    assert next(m.value for m in at.metric if m.label == "Total parameters") == f"{total:,}"
    assert at.session_state[state.ARCHITECTURE] == arch
    assert at.number_input(key="arch_c1_kernel_size").disabled and not at.number_input(key="arch_c1_filters").disabled
    assert at.selectbox(key="arch_preset").disabled  # a preset would replace the fixed kernel sizes
    at.number_input(key="arch_c1_filters").set_value(20).run()
    assert at.query_params["net"] == NET.replace("c16", "c20")
    assert _link(at).endswith("/architecture?net=c20k5-same-p2,c32k3s2-tanh/d50&lock=kernel")
    again = _reload(at, "architecture")
    assert again.session_state[state.ARCHITECTURE] == parse(NET.replace("c16", "c20"))[0]


def test_architecture_broken_network_falls_back_to_the_seed_naming_the_part():
    at = _open("architecture", {"net": "c32k3-p2,c64k3-wobble/d64"})
    assert next(m.value for m in at.metric if m.label == "Total parameters") == "95,082"
    assert any("block 2" in w.value and "wobble" in w.value and "seed network" in w.value for w in at.warning)
    assert "net" not in at.query_params  # the seed network needs no parameter


def test_architecture_preset_choice_shortens_the_address():
    at = _open("architecture")
    assert "net" not in at.query_params
    at.selectbox(key="arch_preset").set_value("small").run()
    assert at.query_params["net"] == "c8k3-p2,c16k3-p2/d32"


def test_data_image_index_from_the_address_and_locked():
    at = _open("data", {"image": "42", "lock": "image"})
    box = at.number_input(key="data_index")
    assert box.value == 42 and box.disabled
    assert _link(at).endswith("/data?image=42&lock=image")


@pytest.mark.slow
def test_evaluate_test_image_from_the_address_and_back_into_it():
    at = _open("evaluate", {"image": "3"})
    assert at.number_input(key="eval_image").value == 3
    assert any("How test image #3 gets" in m.value for m in at.markdown)
    at.number_input(key="eval_image").set_value(7349).run()  # the default: nothing in the address
    assert "image" not in at.query_params and _link(at).endswith("/evaluate")


def test_draw_address_opens_a_test_image_on_a_layer_and_map():
    at = _open("draw", {"test": "7349", "layer": "conv2", "map": "5", "lock": "input", "key": KEY})
    assert at.session_state[state.DRAW_TEST_IMAGE] == 7349
    assert at.selectbox(key="draw_focus_layer").value == "conv2"
    assert at.slider(key="draw_focus_map_conv2").value == 5
    back = next(b for b in at.button if b.label == "Back to drawing")
    assert back.disabled  # 'input' is fixed by the lesson
    link = _link(at)
    assert link.endswith("/draw?test=7349&layer=conv2&map=5&lock=input") and KEY not in link
    at.slider(key="draw_focus_map_conv2").set_value(9).run()
    assert at.query_params["map"] == "9" and at.query_params["key"] == KEY


def test_draw_switches_and_stroke_from_the_address_and_a_layer_the_model_lacks():
    at = _open("draw", {"off": "centre,normalise", "stroke": "30", "input": "draw"})
    assert at.slider(key="draw_stroke").value == 30
    assert at.session_state["kept:draw_steps"] == ["crop", "scale", "place"]
    assert at.query_params["off"] == "centre,normalise" and at.query_params["stroke"] == "30"
    at = _open("draw", {"test": "3", "layer": "conv9"})
    assert any("no layer 'conv9'" in w.value.replace("\\", "") for w in at.warning)
    assert at.selectbox(key="draw_focus_layer").value == "conv1"


def test_train_address_sets_the_recipe_and_locks_what_it_names():
    at = _open("train", {"optimizer": "sgd", "lr": "0.01", "momentum": "0.9", "batch": "100", "lock": "lr,batch"})
    assert at.selectbox(key="train_optimizer").value == "sgd"
    assert at.select_slider(key="train_lr").value == 0.01 and at.select_slider(key="train_lr").disabled
    assert at.select_slider(key="train_batch").value == 128  # the nearest choice, with a note
    assert any("batch size 100 is not one of the choices" in w.value.replace("\\", "") for w in at.warning)
    assert at.select_slider(key="train_momentum").value == 0.9
    assert not at.slider(key="train_epochs").disabled
    at.slider(key="train_epochs").set_value(5).run()
    assert at.query_params["epochs"] == "5"
    assert _link(at).endswith("/train?optimizer=sgd&lr=0.01&epochs=5&batch=128&momentum=0.9&lock=lr,batch")
    again = _reload(at, "train")
    assert again.slider(key="train_epochs").value == 5 and again.select_slider(key="train_batch").value == 128


def test_fixing_settings_in_the_copied_link_does_not_fix_them_here():
    at = _open("kernels", {"kernel": "sharpen"})
    at.multiselect(key="address_fix_kernels_").set_value(["kernel", "padding"]).run()
    assert _link(at).endswith("/kernels?kernel=sharpen&lock=kernel,padding")
    assert not at.selectbox(key="k_kernel").disabled and "lock" not in at.query_params


JUNK = ["", "-1", "1e999", "nan", "99999999999999", "<script>x</script>", "c", "c1k1s1-p9/" * 20, "[a](b)", "é" * 30]


@pytest.mark.parametrize("page", ["kernels", "architecture", "data", "train", "draw"])
def test_fuzzed_addresses_never_break_a_page(page):
    import random

    from cnn_core import lesson_links

    rng = random.Random(page)
    names = [f.name for f in lesson_links.SCHEMAS[page]] + ["lock", "zzz"]
    for _ in range(3):
        params = {n: rng.choice(JUNK) for n in rng.sample(names, min(5, len(names)))}
        at = _open(page, params)  # asserts no exception
        assert not at.error, [e.value for e in at.error]
        shown = " ".join(w.value for w in at.warning)
        assert "<script>" not in shown
