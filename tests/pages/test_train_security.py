"""AppTest of the Train page's address and ownership rules, the size limits, the Start button and cancelled
runs (the browser versions of the address and two-browser cases are in tests/e2e/test_train_security.py)."""

import keras
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core import jobs
from cnn_core.architecture import Architecture, ConvBlock, DenseLayer, TrainingRecipe
from tests.conftest import APP
from ui import state
from ui.train.figures import kernel_grid

KEY = "0123456789abcdef" * 2
TINY = Architecture(conv_blocks=(ConvBlock(4, 3),), dense_layers=(DenseLayer(8),))
RECIPE = TrainingRecipe(epochs=1, batch_size=32, train_size=300)
HOSTILE = ("[click here to log in](https://evil.example/login)", "![x](https://evil.example/track.png)")


def _train_page(job_id=None, key=None, owner=None):
    at = AppTest.from_file(APP, default_timeout=120)
    if job_id:
        at.query_params["job"] = job_id
    if key:
        at.query_params["key"] = key
    if owner:
        at.session_state[state.OWNER_KEY] = owner
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    return at


def _all_text(at) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader")
    return " ".join(str(e.value) for k in kinds for e in getattr(at, k))


def _button(at, label):
    return next(b for b in at.button if b.label == label)


class CancelAt(keras.callbacks.Callback):
    def __init__(self, holder, n):
        super().__init__()
        self.holder, self.n = holder, n

    def on_train_batch_end(self, batch, logs=None):
        if batch + 1 == self.n:
            from ui.training import registry

            registry().cancel(self.holder["id"])


def _job(small, arch=TINY, owner=KEY, cancel_at=None):
    from ui.training import registry

    holder = {}
    cbs = [CancelAt(holder, cancel_at)] if cancel_at else []
    job = registry().submit(arch, RECIPE, small, owner=owner, callbacks=cbs)
    holder["id"] = job.id
    return registry().wait(job.id, timeout=120)


@pytest.mark.parametrize("address", HOSTILE, ids=["link", "image"])
def test_address_text_is_never_rendered(address):
    at = _train_page(job_id=address)
    assert "evil.example" not in _all_text(at)
    assert any("does not name a training run" in w.value for w in at.warning)
    assert "job" not in at.query_params


def test_someone_elses_run_is_read_only_and_not_taken(small):
    job = _job(small, owner="f" * 32, cancel_at=None)
    at = _train_page(job_id=job.id)  # a second browser with the public address only
    assert any("someone else's training run" in i.value for i in at.info)
    assert _button(at, "Cancel").disabled
    assert not at.session_state[state.RUNS]["runs"] and state.JOB_ID not in at.session_state
    assert any("No runs yet" in i.value for i in at.info)  # not in this learner's runs, not its active model


def test_the_owners_reload_keeps_control(small):
    job = _job(small, owner=KEY, cancel_at=2)
    at = _train_page(job_id=job.id, key=KEY)  # a reload: new session, the owner's whole address
    assert job.id in at.session_state[state.RUNS]["runs"]
    assert at.session_state[state.JOB_ID] == job.id
    assert any(b.label == "Score it on the 10,000 test images" for b in at.button)


def test_a_cancelled_run_is_scored_only_when_asked(small):
    job = _job(small, owner=KEY, cancel_at=2)
    at = _train_page(job_id=job.id, owner=KEY)
    assert not job.scored and "not scored" in _all_text(at)
    _button(at, "Score it on the 10,000 test images").click().run()
    assert not at.exception
    from ui.training import load

    assert load(job.id).scored  # kept in the store: a reload still shows the score
    assert any("Scored when you asked" in i.value for i in at.info)
    assert not any(b.label == "Score it on the 10,000 test images" for b in at.button)


@pytest.mark.parametrize("filters", [1, 137, 256])
def test_the_kernel_grid_draws_for_every_filter_count(small, filters):
    job = _job(small, arch=Architecture(conv_blocks=(ConvBlock(filters, 3),), dense_layers=(DenseLayer(8),)))
    fig = kernel_grid(job, len(job.kernels) - 1, filters - 1)
    z = np.asarray(fig.data[0].z)
    assert np.count_nonzero(~np.isnan(z)) == 9 * filters
    at = _train_page(job_id=job.id, owner=KEY)
    assert f"All {filters} kernels of the first convolution" in _all_text(at)


def test_a_network_over_the_size_limit_is_refused_with_the_keras_check_sentence():
    from cnn_core.nn.keras_check import check_with_keras

    huge = Architecture(conv_blocks=(ConvBlock(256, 3, pool="none"),), dense_layers=(DenseLayer(1024),))
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[state.ARCHITECTURE] = huge
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert any(e.value == check_with_keras(huge).error for e in at.error)
    assert _button(at, "Start training").disabled


def test_start_is_disabled_as_soon_as_the_run_is_submitted():
    at = _train_page()
    at.radio[0].set_value(2000)
    at.slider[0].set_value(1)  # epochs
    at.run()
    _button(at, "Start training").click().run()
    assert not at.exception
    from ui.training import registry

    run = registry().get(at.session_state[state.JOB_ID])
    try:
        assert _button(at, "Start training").disabled  # in the same page run as the click
        assert not _button(at, "Cancel").disabled
        assert run.label.startswith("Run 1:")  # this learner's first run, whatever the server ran before
    finally:
        registry().cancel(run.id)
        registry().wait(run.id, timeout=120)
    assert run.state == jobs.CANCELLED
