"""The NumPy optimiser paths of cnn_core.optimisers against keras.optimizers on the same 2-D function."""

import numpy as np
import pytest

from cnn_core.optimisers import KINDS, SURFACES, Constants, grid, outcome, path, race

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

STEPS = 25
# Constants away from Keras' defaults, so a rule that ignored one of them would fail.
ODD = Constants(learning_rate=0.05, momentum=0.7, rho=0.8, beta_1=0.8, beta_2=0.95, epsilon=1e-3)


def keras_optimizer(kind: str, c: Constants):
    return {
        "gd": lambda: keras.optimizers.SGD(c.learning_rate),
        "momentum": lambda: keras.optimizers.SGD(c.learning_rate, momentum=c.momentum),
        "rmsprop": lambda: keras.optimizers.RMSprop(c.learning_rate, rho=c.rho, epsilon=c.epsilon),
        "adam": lambda: keras.optimizers.Adam(c.learning_rate, beta_1=c.beta_1, beta_2=c.beta_2, epsilon=c.epsilon),
    }[kind]()


def keras_path(surface, kind: str, c: Constants, steps: int) -> np.ndarray:
    """Keras' optimizer applied to the surface, its gradient taken by TensorFlow (not our hand-written one)."""
    v = keras.Variable(np.array(surface.start), dtype="float64")
    opt = keras_optimizer(kind, c)
    points = [v.numpy().copy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = surface.value(v[0], v[1])
        opt.apply_gradients([(tape.gradient(loss, v), v)])
        points.append(v.numpy().copy())
    return np.array(points)


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("constants", [Constants(), ODD], ids=["page-defaults", "odd"])
@pytest.mark.parametrize("kind", KINDS)
def test_numpy_steps_match_keras(surface, constants, kind):
    s = SURFACES[surface]
    c = constants if surface == "valley" else Constants(**{**constants.__dict__, "learning_rate": 0.002})
    ours = path(s, kind, c, STEPS)
    assert ours.diverged_at is None
    # Keras rounds the learning rate and Adam's beta_1, beta_2 to float32 in the step size (beta_2 = 0.999
    # makes Adam's first step 7e-6 shorter than in float64; rounding those three in NumPy reproduced Keras'
    # path exactly). So agree to 5e-5 on a plot 10 units wide. Rule changes show up far above that: with the
    # odd constants' epsilon = 1e-3, moving epsilon in or out of the square root changes a step by ~8%.
    np.testing.assert_allclose(ours.points, keras_path(s, kind, c, STEPS), rtol=1e-5, atol=5e-5)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_hand_gradient_matches_tensorflow(surface):
    s = SURFACES[surface]
    rng = np.random.default_rng(0)
    for p in rng.uniform(-2, 2, size=(10, 2)):
        v = tf.Variable(p)
        with tf.GradientTape() as tape:
            loss = s.value(v[0], v[1])
        np.testing.assert_allclose(s.gradient(p), tape.gradient(loss, v).numpy(), rtol=1e-12)


def test_minimum_is_the_lowest_point_of_the_grid():
    for s in SURFACES.values():
        xs, ys, z = grid(s, 201)
        i, j = np.unravel_index(np.argmin(z), z.shape)
        assert np.hypot(xs[j] - s.minimum[0], ys[i] - s.minimum[1]) < 0.05
        assert s.value(*s.minimum) == 0.0


def test_divergence_stops_the_path_and_is_reported():
    s = SURFACES["valley"]
    walk = path(s, "gd", Constants(learning_rate=10.0), 500)  # 10 * 4 = 40 > 2: every step overshoots more
    assert walk.diverged_at is not None and walk.diverged_at < 500
    assert np.all(np.isfinite(walk.points)) and len(walk.points) == walk.diverged_at
    assert outcome(s, walk).diverged_at == walk.diverged_at


def test_outcome_is_computed_from_the_path():
    s = SURFACES["valley"]
    walk = path(s, "adam", Constants(), 50)
    o = outcome(s, walk)
    assert o.steps == 50 and o.final_loss == pytest.approx(s.value(*walk.points[-1]))
    assert o.distance == pytest.approx(np.hypot(*walk.points[-1]))
    assert o.start_loss == pytest.approx(s.value(*s.start))
    if o.first_close is not None:
        assert s.value(*walk.points[o.first_close]) < 1e-3 <= s.value(*walk.points[o.first_close - 1])


def test_unknown_optimiser_is_refused():
    with pytest.raises(ValueError, match="unknown optimiser"):
        path(SURFACES["valley"], "lion", Constants(), 3)


def test_same_learning_rate_means_a_different_first_step():
    """GD's first step is lr x gradient; RMSprop's and Adam's are about lr per coordinate, whatever the gradient."""
    s = SURFACES["valley"]
    c = Constants()
    steps = {k: o.first_step for k, (_, o) in race(s, c, 1).items()}
    assert steps["gd"] == pytest.approx(c.learning_rate * np.linalg.norm(s.gradient(np.array(s.start))))
    assert steps["adam"] == pytest.approx(c.learning_rate * np.sqrt(2), rel=1e-3)  # lr in each of 2 coordinates
    assert steps["rmsprop"] == pytest.approx(c.learning_rate * np.sqrt(2) / np.sqrt(1 - c.rho), rel=1e-3)


def test_losses_follow_the_points():
    s = SURFACES["banana"]
    walk = path(s, "momentum", Constants(learning_rate=0.01), 30)
    np.testing.assert_array_equal(walk.losses, s.value(walk.points[:, 0], walk.points[:, 1]))
