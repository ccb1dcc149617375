"""cnn_core.handwriting: scoring a model's answers on the class's drawings."""

import numpy as np

from cnn_core import metrics
from cnn_core.handwriting import read_drawings, worst_read


def test_read_drawings_counts_and_confusion():
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(10), size=50).astype(np.float32)
    labels = rng.integers(0, 10, 50)
    r = read_drawings("m", probs, labels)
    right = int((probs.argmax(1) == labels).sum())
    assert r.n == 50 and r.correct == right and r.accuracy == right / 50
    assert r.accuracy == metrics.accuracy(probs, labels)
    assert r.confusion.sum() == 50 and np.trace(r.confusion) == right
    assert r.confusion[labels[0], probs[0].argmax()] >= 1
    assert np.allclose(r.true_probability, [probs[i, labels[i]] for i in range(50)])


def test_worst_read_is_lowest_probability_of_the_meant_digit():
    probs = np.full((4, 10), 0.05, np.float32)
    probs[:, 0] = [0.55, 0.1, 0.3, 0.01]  # every drawing meant 0
    r = read_drawings("m", probs, np.zeros(4, int))
    assert worst_read(r, 3).tolist() == [3, 1, 2]
    assert worst_read(r, 10).tolist() == [3, 1, 2, 0]


def test_no_drawings():
    r = read_drawings("m", np.zeros((0, 10)), np.zeros(0, int))
    assert r.n == 0 and r.correct == 0 and np.isnan(r.accuracy) and r.confusion.sum() == 0
    assert worst_read(r).tolist() == []
