"""AppTest of the Evaluate page with the shipped model: accuracy vs Keras' own evaluate, report, drill-down."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.preprocess import one_hot, to_model_input


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file("../../app_pages/evaluate.py", default_timeout=120)
    at.run()
    assert not at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_accuracy_matches_keras_evaluate(page, shipped_model, mnist):
    _, (x_test, y_test) = mnist
    loss, acc = shipped_model.evaluate(to_model_input(x_test), one_hot(y_test), batch_size=1000, verbose=0)
    assert _metric(page, "Test accuracy") == f"{acc:.4f}"
    assert _metric(page, "Test loss (cross-entropy)") == f"{loss:.4f}"
    assert _metric(page, "Prediction array shape") == "(10000, 10)"


def test_default_image_report_and_q40_q41(page, mnist):
    _, (_, y_test) = mnist
    assert page.number_input[0].value == 7349
    text = " ".join(m.value for m in page.markdown)
    assert f"True label **{y_test[7349]}**" in text
    report = page.dataframe[0].value
    assert list(report["class"])[-2:] == ["macro avg", "weighted avg"]
    assert int(report["support"].iloc[:10].sum()) == 10000
    support = dict(zip(report["class"], report["support"], strict=True))
    assert f"test set holds {support['8']:,} handwritten 8s" in text
    assert "Precision asks how far you can trust the answer 7" in text
    captions = " ".join(c.value for c in page.caption)
    assert "**support** is how many test images truly show that digit" in captions
    assert f"{support['1']:,} of the 10,000 are 1s, {support['5']:,} are 5s" in captions
    assert "2 × precision × recall / (precision + recall)" in captions


def test_confusion_cell_gallery(page, mnist):
    _, (_, y_test) = mnist
    true_box = next(s for s in page.selectbox if s.label == "True digit")
    pred_box = next(s for s in page.selectbox if s.label == "Predicted digit")
    true_box.set_value(3)
    pred_box.set_value(3)
    page.run()
    assert not page.exception
    text = " ".join(m.value for m in page.markdown)
    assert "test images of a true 3 predicted as 3" in text
    n = int(text.split("test images of a true 3")[0].split("**")[-1].replace(",", ""))
    assert 900 < n <= np.sum(y_test == 3)


def test_last_test_image(page):
    page.number_input[0].set_value(9999).run()
    assert not page.exception


def test_gallery_pick_offers_the_draw_page(page):
    from ui import state

    pick = next(s for s in page.selectbox if s.label == "Look closer at")
    index = pick.options[1]
    pick.set_value(int(index.split("#")[1]) if isinstance(index, str) else index).run()
    assert not page.exception
    button = next(b for b in page.button if b.label.startswith("Open #"))
    button.click().run()
    assert page.session_state[state.DRAW_TEST_IMAGE] == int(button.label.split("#")[1].split()[0])


def test_a_cancelled_unscored_run_is_evaluated(mnist):
    """A run cancelled mid-epoch is not scored by the trainer; Evaluate still scores it on its own."""
    import keras

    from cnn_core import jobs
    from cnn_core.architecture import Architecture, ConvBlock, DenseLayer, TrainingRecipe
    from ui import state
    from ui.training import registry

    holder = {}

    class CancelAtBatch2(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                registry().cancel(holder["id"])

    (xtr, ytr), test = mnist
    tiny = Architecture(conv_blocks=(ConvBlock(4, 3),), dense_layers=(DenseLayer(8),))
    job = registry().submit(
        tiny, TrainingRecipe(epochs=1, batch_size=32, train_size=300), ((xtr[:300], ytr[:300]), test),
        owner="e" * 32, callbacks=[CancelAtBatch2()],
    )  # fmt: skip
    holder["id"] = job.id
    registry().wait(job.id)
    assert job.state == jobs.CANCELLED and not job.scored and job.has_model
    at = AppTest.from_file("../../app_pages/evaluate.py", default_timeout=120)
    at.session_state[state.OWNER_KEY] = "e" * 32  # the learner who trained it (the run is in the store)
    at.run()
    assert not at.exception
    assert any(f"Active model: **{job.label}**" in c.value for c in at.caption)
    acc = float(_metric(at, "Test accuracy"))
    assert 0 <= acc <= 1 and _metric(at, "Prediction array shape") == "(10000, 10)"
