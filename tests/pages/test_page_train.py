"""AppTest of the Train page: settings, a small background job polled to the end, the runs table."""

import time

import keras
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.architecture import Architecture, ConvBlock
from cnn_core.formulas import batches_per_epoch
from ui import state

KEY = "5" * 32  # a session's owner key (ui.ownership)


def _texts(at):
    return " ".join(str(e.value) for kind in ("markdown", "caption", "success", "info") for e in getattr(at, kind))


def test_train_small_job_until_done():
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert at.button[0].label == "Start training"
    at.radio[0].set_value(2000)
    at.slider[0].set_value(1)  # epochs
    at.run()
    assert at.metric[0].value == f"{batches_per_epoch(2000, 64, 0.1):,}"  # 29 batches of 64
    at.button[0].click().run()
    assert not at.exception
    for _ in range(120):
        if any("finished" in s.value for s in at.success):
            break
        time.sleep(1)
        at.run()
    assert not at.exception
    done = [s.value for s in at.success if "finished" in s.value]
    assert done and "test accuracy" in done[0]
    runs = next(d.value for d in at.dataframe if "state" in d.value.columns)
    assert len(runs) == 1 and runs.iloc[0]["state"] == "done"
    assert runs.iloc[0]["precision"] in ("float32", "bfloat16")  # what the run computed in, from the run
    assert "Kernel number" in [n.label for n in at.number_input]
    assert "kernel #31 holds" in _texts(at)


def test_train_page_does_not_start_without_click():
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert any("No runs yet" in i.value for i in at.info)


def test_impossible_architecture_is_a_friendly_error():
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.session_state[state.ARCHITECTURE] = Architecture(conv_blocks=(ConvBlock(8, 40),), dense_layers=())
    at.run()
    assert not at.exception
    assert at.error and "cannot be built" in at.error[0].value


class _Boom(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        raise RuntimeError("the disk is full")


@pytest.mark.parametrize(
    "lr, callbacks, words",
    [(1e30, (), ("NaN", "learning rate")), (1e-3, (_Boom(),), ("Training failed", "the disk is full", "still works"))],
    ids=["nan", "exception"],
)
def test_bad_run_is_explained_in_plain_words(mnist, lr, callbacks, words):
    """A job whose loss became NaN, or that raised: the page says so in words; the shipped model stays active."""
    from cnn_core.architecture import DenseLayer, TrainingRecipe
    from ui.training import registry

    (xtr, ytr), (xte, yte) = mnist
    small = (xtr[:300], ytr[:300]), (xte[:100], yte[:100])
    tiny = Architecture(conv_blocks=(ConvBlock(4, 3),), dense_layers=(DenseLayer(8),))
    recipe = TrainingRecipe(optimizer="sgd", learning_rate=lr, epochs=1, batch_size=32, train_size=300)
    reg = registry()
    job = reg.wait(reg.submit(tiny, recipe, small, callbacks=callbacks, owner=KEY).id)
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.session_state[state.OWNER_KEY] = KEY  # this session started the run
    at.session_state[state.JOB_ID] = job.id
    at.run()
    assert not at.exception
    assert any(all(w in e.value for w in words) for e in at.error)
    active = next(s for s in at.selectbox if s.label.startswith("Active model"))
    assert active.value == "shipped"


def test_queued_job_shows_its_position(mnist):
    """With the server's one training slot taken, a second learner's job waits and sees its place in the queue."""
    import threading

    from cnn_core.architecture import DenseLayer, TrainingRecipe
    from ui.training import registry

    (xtr, ytr), (xte, yte) = mnist
    small = (xtr[:300], ytr[:300]), (xte[:100], yte[:100])
    tiny = Architecture(conv_blocks=(ConvBlock(4, 3),), dense_layers=(DenseLayer(8),))
    recipe = TrainingRecipe(epochs=1, batch_size=32, train_size=300)
    gate = threading.Event()

    class Hold(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            gate.wait(30)

    reg = registry()
    saved, reg.max_jobs = reg.max_jobs, 1
    try:
        first = reg.submit(tiny, recipe, small, callbacks=[Hold()])
        second = reg.submit(tiny, recipe, small, owner=KEY)
        at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
        at.session_state[state.OWNER_KEY] = KEY
        at.session_state[state.JOB_ID] = second.id
        at.run()
        assert not at.exception
        assert any("Waiting in the queue: position 1" in i.value for i in at.info)
    finally:
        gate.set()
        reg.max_jobs = saved
    assert reg.wait(first.id).state == reg.wait(second.id).state == "done"


def test_uses_the_architecture_page_network():
    from cnn_core.architecture import PRESETS
    from cnn_core.formulas import layer_table

    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.session_state[state.ARCHITECTURE] = PRESETS["small"]
    at.run()
    assert not at.exception
    assert at.selectbox[0].value == "edited on the Architecture page"
    n = layer_table(PRESETS["small"]).total_params
    assert any(f"{n:,} weights" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "setting,flags,words",
    [
        ("auto", {"avx512_bf16"}, "Trains in **bfloat16**: 16-bit numbers that keep float32's range"),
        ("auto", {"avx2"}, "Why not bfloat16: this processor has no bfloat16 instructions"),
        ("float32", {"avx512_bf16"}, "Why not bfloat16: float32 was chosen in the settings"),
    ],
)
def test_the_page_says_which_precision_training_uses_and_why(monkeypatch, setting, flags, words):
    from cnn_core import precision

    monkeypatch.setenv(precision.PRECISION_ENV, setting)
    monkeypatch.setattr(precision, "cpu_flags", lambda path="/proc/cpuinfo": flags)
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.run()
    assert not at.exception
    assert any(words in c.value for c in at.caption), [c.value for c in at.caption]


def test_the_quick_run_hint_reads_its_numbers_from_the_real_options(monkeypatch):
    """The hint must quote the smallest image count and the epochs slider's minimum, whatever they are."""
    from cnn_core.data import N_TRAIN
    from ui.train import inputs

    monkeypatch.setattr(inputs, "TRAIN_SIZES", (500, 10000, N_TRAIN))
    monkeypatch.setattr(inputs, "EPOCHS", (2, 20))
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60)
    at.run()
    assert not at.exception
    hint = next(i.value for i in at.info if "Start training" in i.value)
    assert "500 training images" in hint and "2 epochs" in hint
    assert "2,000" not in hint and "1 epoch" not in hint
    assert at.radio[0].options == ["500", "10,000", f"{N_TRAIN:,}"]
    assert at.slider[0].min == 2
