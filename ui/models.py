"""Which model answers: the shipped seed model, or one of this session's training runs.

Keras is imported lazily, only by pages that need a model.
"""

from __future__ import annotations

import streamlit as st

from ui import state

SHIPPED = "shipped"


@st.cache_resource(show_spinner="Loading the trained network...")
def shipped_model():
    """The seed network trained with the seed recipe (cnn_core/assets/seed_cnn.keras), loaded once per server."""
    from cnn_core.nn.model import load_model
    from cnn_core.nn.threads import configure_tf_threads

    configure_tf_threads()  # before TensorFlow's first op, or the thread caps cannot apply
    return load_model()


def runs() -> dict:
    """This session's runs: {run_id: cnn_core.jobs.Job}; only runs it controls (ui.ownership) are put here."""
    return st.session_state.setdefault(state.RUNS, {})


def model_choices() -> dict[str, str]:
    """{model_id: label} of every model this learner can use, the shipped one first."""
    out = {SHIPPED: "Shipped seed model (trained with the seed recipe)"}
    out.update({rid: r.label for rid, r in runs().items() if getattr(r, "has_model", False)})
    return out


def usable_run_ids() -> list[str]:
    """Ids of this session's runs that have a usable model (finished or cancelled), oldest first."""
    return [rid for rid, r in runs().items() if getattr(r, "has_model", False)]


def active_model_id() -> str:
    """The run the learner picked; if none was picked, the latest usable run; else the shipped model."""
    rid = st.session_state.get(state.ACTIVE_RUN)
    if rid is None and usable_run_ids():
        return usable_run_ids()[-1]
    return rid if rid in runs() and getattr(runs()[rid], "has_model", False) else SHIPPED


def get_model(model_id: str):
    """The Keras model behind `model_id` (the shipped model for unknown ids)."""
    if model_id != SHIPPED and model_id in runs():
        return runs()[model_id].model
    return shipped_model()


def active_model():
    """(model_id, label, keras model) of this session's active model."""
    mid = active_model_id()
    return mid, model_choices()[mid], get_model(mid)
