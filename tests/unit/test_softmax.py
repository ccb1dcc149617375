"""cnn_core.softmax (NumPy) against Keras' own softmax and cross-entropy, on seeded random scores."""

import keras
import numpy as np
import pytest

from cnn_core import softmax as sm


@pytest.fixture(params=[0, 1, 2])
def scores(request):
    rng = np.random.default_rng(request.param)
    return rng.normal(0, 4, (16, 10)).astype(np.float32)


def test_softmax_matches_keras(scores):
    np.testing.assert_allclose(sm.softmax(scores), keras.ops.convert_to_numpy(keras.ops.softmax(scores)), atol=1e-6)
    for row in scores:
        steps = sm.softmax_steps(row)
        np.testing.assert_allclose(steps.probs, keras.ops.convert_to_numpy(keras.ops.softmax(row)), atol=1e-6)
        assert steps.digit == int(np.argmax(row))


def test_steps_are_consistent(scores):
    s = sm.softmax_steps(scores[0])
    assert s.top == pytest.approx(float(scores[0].max()))
    np.testing.assert_allclose(s.shifted, scores[0].astype(np.float64) - s.top)
    assert s.shifted.max() == 0 and s.exps.max() == 1 and np.all(s.exps > 0)
    assert s.total == pytest.approx(s.exps.sum()) and s.total >= 1
    assert s.probs.sum() == pytest.approx(1.0)
    # shifting by the max gives the same probabilities as the textbook formula (where that does not overflow)
    np.testing.assert_allclose(s.probs, np.exp(s.scores) / np.exp(s.scores).sum(), rtol=1e-12)


def test_max_subtraction_avoids_overflow():
    z = np.array([1000.0, 999.0, 990.0] + [0.0] * 7, dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert np.isnan(naive).any()  # the textbook formula breaks: inf / inf
    p = sm.softmax_steps(z).probs
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-1) + np.exp(-10)))
    assert np.float32(np.exp(np.float64(sm.OVERFLOW) * 0.999)) < np.inf
    with np.errstate(over="ignore"):
        assert np.exp(np.float32(sm.OVERFLOW + 0.01)) == np.inf


def test_cross_entropy_matches_keras(scores):
    labels = np.arange(len(scores)) % 10
    onehot = np.eye(10, dtype=np.float32)[labels]
    from_logits = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)
    on_probs = keras.losses.CategoricalCrossentropy(reduction=None)
    ours = sm.cross_entropy(scores, labels)
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(from_logits(onehot, scores)), rtol=1e-5, atol=1e-5)
    probs = sm.softmax(scores)
    fine = probs[np.arange(len(labels)), labels] > 1e-6  # Keras clips probabilities at 1e-7
    expect = keras.ops.convert_to_numpy(on_probs(onehot, probs.astype(np.float32)))
    np.testing.assert_allclose(ours[fine], expect[fine], rtol=1e-4, atol=1e-5)
    for row, k in zip(scores, labels, strict=True):
        assert sm.cross_entropy(row, int(k)) == pytest.approx(-np.log(sm.softmax(row)[k]), rel=1e-9)


def test_losses_for_each_label_and_a_confident_wrong_answer():
    z = np.array([0.0, 12.0, 2.0, -3.0, 0.5, 1.0, -1.0, 3.0, 0.0, -2.0], dtype=np.float32)
    losses = sm.losses_for_each_label(z)
    assert losses.shape == (10,) and int(np.argmin(losses)) == 1
    np.testing.assert_allclose(losses, [sm.cross_entropy(z, k) for k in range(10)])
    assert losses[1] < 0.01 and losses[3] > 14  # right and sure: cheap; wrong and sure: expensive
    np.testing.assert_allclose(np.exp(-losses).sum(), 1.0)


def test_exact_even_where_the_probability_underflows():
    z = np.array([0.0, 800.0] + [0.0] * 8)
    assert sm.softmax(z)[0] == 0.0  # too small for a float64
    assert sm.cross_entropy(z, 0) == pytest.approx(800.0)


@pytest.mark.parametrize(
    "x,text",
    [(0.9999987, "0.9999987"), (1.0000013, "1.0000013"), (3.87e-9, "3.87×10⁻⁹"), (0.01234, "0.01234"), (1.0, "1")],
)
def test_numbers_are_written_so_a_learner_sees_the_difference(x, text):
    from tests.support.numbers import number
    from ui.draw.softmax import loss_text, num

    assert num(x) == text and number(text) == pytest.approx(x, rel=1e-3)
    assert loss_text(9.2034) == "9.20" and loss_text(1.3e-6) == "1.30×10⁻⁶"
