"""The class's own test set: drawings with the digit meant (cnn_core.store.drawings), both databases."""

import io

import numpy as np
import pytest

from cnn_core.store import drawings, learners
from cnn_core.store.drawings import NO_LABEL, DrawingError


@pytest.mark.parametrize("label", [None, "3", 3.0, True, [3]])
def test_a_drawing_without_a_digit_is_refused(kit, store, label):
    learner, _ = kit.learner()
    with pytest.raises(DrawingError) as e:
        drawings.submit(store, learner, np.zeros((28, 28)), label, [])
    assert str(e.value) == NO_LABEL
    assert len(drawings.of_learner(store, learner.id)[1]) == 0


@pytest.mark.parametrize("label", [-1, 10, 255, np.int64(12)])
def test_a_digit_out_of_range_is_refused(kit, store, label):
    learner, _ = kit.learner()
    with pytest.raises(DrawingError, match="between 0 and 9"):
        drawings.submit(store, learner, np.zeros((28, 28)), label, [])


def test_pixels_labels_and_predictions_come_back_exactly(kit, store):
    room, other_room = kit.room("5B"), kit.room("5C")
    (ada, _), (bob, _), (eve, _) = kit.learner("Ada", room), kit.learner("Bob", room), kit.learner("Eve", other_room)
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    images[0] = 0
    images[1] = 255  # the extremes survive too
    said = [{"model": "Run 1", "digit": 3, "probability": 0.875}, {"model": "seed", "digit": 8, "probability": 0.5}]
    ids = [
        drawings.submit(store, who, img / 255.0, np.int64(label) if i % 2 else label, said)
        for i, (who, img, label) in enumerate(zip((ada, bob, ada, eve), images, (0, 9, 7, 1), strict=True))
    ]
    assert len(set(ids)) == 4
    x, y, meta = drawings.of_class(store, room.id)
    assert x.shape == (3, 28, 28) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert np.array_equal(np.rint(x * 255).astype(np.uint8), images[:3])
    assert list(y) == [0, 9, 7] and [m["nickname"] for m in meta] == ["Ada", "Bob", "Ada"]
    assert [m["id"] for m in meta] == ids[:3] and meta[0]["predictions"] == said
    xa, ya, _ = drawings.of_learner(store, ada.id)
    assert list(ya) == [0, 7] and np.array_equal(xa, x[[0, 2]])
    assert list(drawings.of_class(store, other_room.id)[1]) == [1]


def test_a_drawing_is_kept_as_the_network_saw_it(kit, store):
    """Values in [0, 1] are stored to the nearest of 256 levels; out-of-range values are clipped."""
    learner, _ = kit.learner()
    x = np.linspace(-0.5, 1.5, 784).reshape(28, 28)
    drawings.submit(store, learner, x, 5, [])
    back = drawings.of_learner(store, learner.id)[0][0]
    assert np.abs(back - np.clip(x, 0, 1)).max() <= 0.5 / 255 + 1e-7


def test_a_personal_learners_drawing_says_alone(store):
    me = learners.personal(store, learners.new_token())
    drawings.submit(store, me, np.ones((28, 28)), 4, [])
    x, y, meta = drawings.of_learner(store, me.id)
    assert list(y) == [4] and meta[0]["nickname"] == "(alone)"


def test_export_npz_reads_like_mnist(kit, store):
    room = kit.room()
    (ada, _), (bob, _) = kit.learner("Ada", room), kit.learner("-Bob", room)
    images = np.random.default_rng(1).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    for who, img, label in zip((ada, bob, ada), images, (2, 6, 2), strict=True):
        drawings.submit(store, who, img / 255.0, label, [])
    data = np.load(io.BytesIO(drawings.export_npz(*drawings.of_class(store, room.id))), allow_pickle=False)
    assert data["x"].shape == (3, 28, 28) and data["x"].dtype == np.uint8
    assert np.array_equal(data["x"], images)
    assert list(data["y"]) == [2, 6, 2] and list(data["nickname"]) == ["Ada", "-Bob", "Ada"]
    assert len(set(data["id"])) == 3
    empty = np.load(io.BytesIO(drawings.export_npz(*drawings.of_class(store, kit.room().id))))
    assert empty["x"].shape == (0, 28, 28) and empty["x"].dtype == np.uint8 and len(empty["y"]) == 0
