"""Which model answers: the shipped seed model, or one of this learner's training runs.

This learner's runs come from the store (cnn_core.store.runs), so they survive reloads and server
restarts. Keras is imported lazily, only by pages that need a model.
"""

from __future__ import annotations

import time

import streamlit as st

from cnn_core.jobs import owner_hash
from cnn_core.store import runs as stored
from ui import ownership, state
from ui.store import store

SHIPPED = "shipped"


@st.cache_resource(show_spinner="Loading the trained network...")
def shipped_model():
    """The seed network trained with the seed recipe (cnn_core/assets/seed_cnn.keras), loaded once per server."""
    from cnn_core.nn.model import load_model
    from cnn_core.nn.threads import configure_tf_threads

    configure_tf_threads()  # before TensorFlow's first op, or the thread caps cannot apply
    return load_model()


RUNS_FRESH_SECONDS = 1.0  # one page run asks several times; one database read serves them


def runs() -> dict:
    """This learner's runs, oldest first: {run_id: cnn_core.jobs.Job} (no curves), from the store.

    Only runs this learner started are here (ui.ownership). Read at most once per second.
    """
    cached = st.session_state.get(state.RUNS)
    key = ownership.owner_key()
    if cached is not None and cached["key"] == key and time.monotonic() - cached["at"] < RUNS_FRESH_SECONDS:
        return cached["runs"]
    found = {}
    if ownership.learner() is not None:
        for job in stored.of_learner(store(), owner_hash(key)):
            job.loader = load_run_model
            found[job.id] = job
    st.session_state[state.RUNS] = {"key": key, "at": time.monotonic(), "runs": found}
    return found


def forget_runs() -> None:
    """Read this learner's runs again on the next call (a run was just started or changed)."""
    st.session_state.pop(state.RUNS, None)


def load_run_model(job):
    """A stored run's Keras model, from the runner's bounded cache (rebuilt from its weights if needed)."""
    from cnn_core.nn.runner import model_for

    return model_for(job)


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
