"""AppTest of the Train page's "Advanced optimiser settings": only the chosen optimizer's constants, into the recipe."""

import json
import time

from streamlit.testing.v1 import AppTest

from cnn_core.architecture import OPTIMIZER_CONSTANTS, SEED_RECIPE, TrainingRecipe
from ui import state
from ui.train.inputs import CONSTANTS

KEY = "7" * 32  # a session's owner key (ui.ownership)


def _controls_script():
    """The Train page's recipe widgets alone; the recipe they return is written out as JSON."""
    import json

    import streamlit as st

    from ui.train.inputs import keep_settings, recipe_controls

    keep_settings()
    st.code(json.dumps(recipe_controls().to_dict()), language="json")


def _open() -> AppTest:
    at = AppTest.from_function(_controls_script, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _recipe(at) -> TrainingRecipe:
    return TrainingRecipe.from_dict(json.loads(at.code[0].value))


def _shown(at) -> set[str]:
    """The optimizer constants whose sliders this run drew."""
    return {s.key.removeprefix("train_") for s in at.select_slider if s.key.removeprefix("train_") in CONSTANTS}


def test_expander_shows_only_the_chosen_optimizers_constants():
    at = _open()
    assert any(e.label == "Advanced optimiser settings" for e in at.expander)
    assert _shown(at) == {"beta_1", "beta_2", "epsilon"}  # Adam, the seed's optimizer
    assert _recipe(at) == SEED_RECIPE.with_(train_size=_recipe(at).train_size)  # Keras' defaults untouched
    for name in ("sgd", "rmsprop", "adagrad"):
        at.selectbox(key="train_optimizer").set_value(name).run()
        assert _shown(at) == set(OPTIMIZER_CONSTANTS[name]), name


def test_sgd_momentum_reaches_the_recipe():
    at = _open()
    at.selectbox(key="train_optimizer").set_value("sgd").run()
    assert _recipe(at).momentum == 0.0  # plain gradient descent until the learner asks for momentum
    at.select_slider(key="train_momentum").set_value(0.9).run()
    r = _recipe(at)
    assert r.optimizer == "sgd" and r.momentum == 0.9 and r.optimizer_constants() == {"momentum": 0.9}


def test_adam_constants_reach_the_recipe_and_survive_a_switch_of_optimizer():
    at = _open()
    at.select_slider(key="train_beta_1").set_value(0.8).run()
    at.select_slider(key="train_beta_2").set_value(0.99).run()
    at.select_slider(key="train_epsilon").set_value(1e-4).run()
    assert _recipe(at).optimizer_constants() == {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}
    at.selectbox(key="train_optimizer").set_value("sgd").run()  # Adam's sliders are hidden now...
    at.run()
    assert _recipe(at).beta_1 == 0.8
    at.selectbox(key="train_optimizer").set_value("adam").run()  # ...and come back as the learner left them
    assert _recipe(at).optimizer_constants() == {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}


def test_a_run_records_its_constants_in_the_runs_table():
    """On the real page: SGD with momentum 0.5, a tiny run, and the runs table says momentum=0.5."""
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.session_state[state.OWNER_KEY] = KEY
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="train_optimizer").set_value("sgd").run()
    at.select_slider(key="train_momentum").set_value(0.5).run()
    at.radio(key="train_size").set_value(2000)
    at.slider(key="train_epochs").set_value(1).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    for _ in range(120):
        runs = [d.value for d in at.dataframe if "optimizer constants" in d.value.columns]
        if runs and runs[0].iloc[-1]["state"] == "done":
            break
        time.sleep(1)
        at.run()
    assert runs and runs[0].iloc[-1]["optimizer constants"] == "momentum=0.5"
    assert runs[0].iloc[-1]["optimizer"] == "sgd"
