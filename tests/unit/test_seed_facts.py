"""The shipped seed-model facts Home shows without TensorFlow: tied to the model file, recomputed with Keras."""

import json

import numpy as np
import pytest

from cnn_core import seed_facts as F
from cnn_core.samples import load_samples
from cnn_core.shifting import MAX_SHIFT, changed, shift, shift_grid


@pytest.fixture(scope="module")
def facts():
    return F.load_facts()


def test_facts_belong_to_the_shipped_model_and_samples(facts):
    assert facts.model_sha256 == F.file_sha256(F.MODEL_PATH), "rebuild with python -m cnn_core.nn.seed_facts"
    s = load_samples()
    np.testing.assert_array_equal(facts.indices, s.indices)
    assert facts.probs.shape == (len(s.indices), 10)
    np.testing.assert_allclose(facts.probs.sum(1), 1, atol=1e-4)
    np.testing.assert_array_equal(facts.shifts, shift_grid(MAX_SHIFT))
    assert facts.shifted_pred.shape == facts.shifted_prob.shape == (len(s.indices), len(facts.shifts))


def test_unmoved_reading_is_the_plain_prediction(facts):
    centre = int(np.flatnonzero((facts.shifts == 0).all(1))[0])
    np.testing.assert_array_equal(facts.shifted_pred[:, centre], facts.probs.argmax(1))
    i = int(facts.indices[3])
    assert facts.shifted(i, 0, 0) == (int(facts.probs[3].argmax()), pytest.approx(float(facts.probs[3].max())))
    with pytest.raises(KeyError):
        facts.shifted(i, MAX_SHIFT + 1, 0)
    with pytest.raises(KeyError):
        facts.row(-1)


def test_record_reads_the_training_json():
    d = json.loads(F.RECORD_PATH.read_text())
    r = F.load_record()
    assert r.epochs == len(d["history"]["accuracy"]) and r.test_accuracy == d["test_accuracy"]
    assert r.n_fit + r.n_validation == d["recipe"]["train_size"]
    assert r.val_accuracy[r.best_val_epoch - 1] == max(d["history"]["val_accuracy"])


def test_shift_moves_pixels_and_fills_with_zero():
    a = np.arange(1, 17).reshape(4, 4)
    b = shift(a, 1, -2)
    np.testing.assert_array_equal(b[1:, :2], a[:3, 2:])
    assert (b[0] == 0).all() and (b[:, 2:] == 0).all()
    np.testing.assert_array_equal(shift(a, 0, 0), a)
    assert not shift(a, 4, 0).any()
    assert changed(a, b) == np.count_nonzero(a != b) and changed(a, a) == 0


def test_a_one_pixel_move_changes_many_of_a_digits_numbers():
    img = load_samples().images[0]
    assert changed(img, shift(img, 0, 1)) > 0.1 * np.count_nonzero(img)


@pytest.fixture(scope="module")
def keras_model():
    pytest.importorskip("tensorflow")
    from cnn_core.nn.model import load_model

    return load_model(F.MODEL_PATH)


def test_probabilities_and_moved_readings_match_the_keras_model(facts, keras_model):
    from cnn_core.nn.seed_facts import probabilities

    s = load_samples()
    np.testing.assert_allclose(probabilities(keras_model, s.images), facts.probs, atol=1e-5)
    rng = np.random.default_rng(0)
    for r, j in zip(rng.integers(0, len(s.indices), 8), rng.integers(0, len(facts.shifts), 8), strict=True):
        dy, dx = facts.shifts[j]
        p = probabilities(keras_model, shift(s.images[r], dy, dx)[None])[0]
        assert facts.shifted(int(s.indices[r]), int(dy), int(dx)) == (
            int(p.argmax()),
            pytest.approx(float(p.max()), abs=1e-5),
        )


def test_first_layer_map_in_numpy_matches_keras_conv1_and_pool1(facts, keras_model):
    import keras

    sub = keras.Model(
        keras_model.inputs[0], [keras_model.get_layer("conv1").output, keras_model.get_layer("pool1").output]
    )
    s = load_samples()
    for r, f in ((0, 0), (5, 7), (40, facts.filters - 1)):
        conv, pool = (
            np.asarray(t)[0] for t in sub(s.images[r][None, :, :, None].astype("float32") / 255, training=False)
        )
        m = F.first_layer_map(s.images[r], facts, f)
        np.testing.assert_allclose(m.response, conv[..., f], atol=1e-5)
        np.testing.assert_allclose(m.pooled, pool[..., f], atol=1e-5)
