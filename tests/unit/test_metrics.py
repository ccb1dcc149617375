"""Our NumPy classification report and confusion matrix against scikit-learn."""

import numpy as np
import pytest
from sklearn import metrics as skm

from cnn_core import metrics


@pytest.fixture(params=[0, 1, 2])
def preds(request):
    rng = np.random.default_rng(request.param)
    labels = rng.integers(0, 10, 500)
    predicted = np.where(rng.random(500) < 0.7, labels, rng.integers(0, 10, 500))
    if request.param == 2:
        predicted[predicted == 3] = 4  # class 3 never predicted: precision undefined -> 0
    return labels, predicted


def test_confusion_matrix_matches_sklearn(preds):
    y, p = preds
    cm = metrics.confusion_matrix(y, p)
    np.testing.assert_array_equal(cm, skm.confusion_matrix(y, p, labels=range(10)))
    assert cm.sum() == len(y)


def test_report_matches_sklearn(preds):
    y, p = preds
    ours = metrics.classification_report(y, p)
    sk = skm.classification_report(y, p, labels=range(10), output_dict=True, zero_division=0)
    for c in range(10):
        for ours_k, sk_k in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert getattr(ours, ours_k)[c] == pytest.approx(sk[str(c)][sk_k])
        assert ours.support[c] == sk[str(c)]["support"]
    for kind in ("macro", "weighted"):
        avg = ours.average(kind)
        for ours_k, sk_k in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score")):
            assert avg[ours_k] == pytest.approx(sk[f"{kind} avg"][sk_k])
    assert ours.accuracy == pytest.approx(skm.accuracy_score(y, p))
    assert [r["class"] for r in ours.rows()][-2:] == ["macro avg", "weighted avg"]


def test_row_normalise_rows_sum_to_one():
    cm = np.array([[3, 1], [0, 0]])
    np.testing.assert_allclose(metrics.row_normalise(cm), [[0.75, 0.25], [0, 0]])


def test_log_loss_and_accuracy_match_sklearn():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(10), 300).astype(np.float32)
    y = rng.integers(0, 10, 300)
    assert metrics.log_loss(probs, y) == pytest.approx(skm.log_loss(y, probs, labels=range(10)), rel=1e-5)
    assert metrics.accuracy(probs, y) == pytest.approx(skm.accuracy_score(y, probs.argmax(1)))


def test_cells_mistakes_and_largest_confusion():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.55, 0.45]])
    y = np.array([0, 1, 1, 0, 1])
    p = probs.argmax(1)
    np.testing.assert_array_equal(metrics.cell_indices(y, p, 1, 0), [2, 4])
    np.testing.assert_array_equal(metrics.most_confident_mistakes(probs, y, n=2), [3, 2])  # 0.7, then 0.6
    assert metrics.largest_confusion(metrics.confusion_matrix(y, p, 2)) == (1, 0)


def test_predict_in_batches_calls_model_per_batch():
    calls = []

    def model(x, training):
        calls.append((len(x), training))
        return np.tile(np.eye(10, dtype=np.float32)[0], (len(x), 1))

    out = metrics.predict_in_batches(model, np.zeros((25, 28, 28, 1), np.float32), batch_size=10)
    assert out.shape == (25, 10) and calls == [(10, False), (10, False), (5, False)]
