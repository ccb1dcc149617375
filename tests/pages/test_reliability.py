"""Faults from docs/RELIABILITY.md not covered elsewhere: cancel in the first batch or in the queue,
a server restart during training, two tabs of one learner, a damaged shipped model."""

import subprocess
import sys

import keras
from streamlit.testing.v1 import AppTest

from cnn_core import jobs
from cnn_core.architecture import TrainingRecipe
from cnn_core.job_registry import JobRegistry
from cnn_core.nn.runner import train
from tests.conftest import APP, ROOT
from tests.support.jobs import TINY

RECIPE = TrainingRecipe(epochs=1, batch_size=32, train_size=300, validation_split=0.1)


class CancelAtFirstBatch(keras.callbacks.Callback):
    def __init__(self, registry, holder):
        super().__init__()
        self.registry, self.holder = registry, holder

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self.registry.cancel(self.holder["id"])


def test_cancel_during_the_first_batch_stops_after_it_and_keeps_its_weights(small):
    reg, holder = JobRegistry(train, 1), {}
    job = reg.submit(TINY, RECIPE, small, callbacks=[CancelAtFirstBatch(reg, holder)])
    holder["id"] = job.id
    reg.wait(job.id)
    assert job.state == jobs.CANCELLED
    assert len([e for e in job.events if e.kind == "batch"]) == 1
    assert "kept" in job.message and job.model is not None


def test_cancel_while_queued_never_starts_and_offers_no_model(small):
    reg = JobRegistry(train, 1)
    first = reg.submit(TINY, RECIPE, small)
    second = reg.submit(TINY, RECIPE, small)
    reg.cancel(second.id)
    reg.wait(first.id)
    assert second.state == jobs.CANCELLED and "before it started" in second.message
    assert second.model is None and not second.events


def test_a_run_that_is_no_longer_kept_is_explained():
    at = AppTest.from_file(APP)
    at.query_params["job"] = "0123456789ab"  # a run id of the right shape that the store does not have
    at.switch_page("app_pages/train.py").run(timeout=60)
    assert not at.exception
    assert any("no longer kept" in w.value for w in at.warning)
    at.run(timeout=60)  # the stale address is dropped: the warning does not come back
    assert not any("no longer kept" in w.value for w in at.warning)


def test_two_tabs_of_one_learner_see_the_same_run(mnist):
    """Each browser tab is its own Streamlit session; the owner's whole address (run id and key) brings the
    run, with control over it, to the other tab."""
    from ui.training import registry

    first = AppTest.from_file(APP, default_timeout=60)
    first.switch_page("app_pages/train.py").run()
    first.radio[0].set_value(2000)
    first.slider[0].set_value(1)  # epochs
    first.run()
    first.button[0].click().run()  # Start training
    job_id = first.session_state["train_job_id"]
    second = AppTest.from_file(APP, default_timeout=60)
    second.query_params["job"] = job_id  # the second tab opened with the first tab's address
    second.query_params["key"] = first.query_params["key"]
    second.switch_page("app_pages/train.py").run()
    assert not second.exception and not second.warning
    assert second.session_state["train_job_id"] == job_id
    assert job_id in second.session_state["runs"]["runs"]
    registry().cancel(job_id)
    registry().wait(job_id, timeout=120)


def test_a_damaged_shipped_model_gets_a_plain_message(tmp_path):
    bad = tmp_path / "seed_cnn.keras"
    bad.write_bytes(b"PK\x03\x04 not a model")
    code = f"""
import cnn_core.nn.model as m
m.SHIPPED_MODEL = m.Path({str(bad)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py"); at.switch_page("app_pages/evaluate.py"); at.run(timeout=120)
assert not at.exception, at.exception
print("ERRORS:", [e.value for e in at.error])
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert "damaged" in r.stdout, r.stdout[-1500:] + r.stderr[-1500:]
