"""Four optimisers on a 2-D loss surface, in NumPy: the paths the Optimisers page draws.

The update rules are Keras' own, written out (keras/src/optimizers/sgd.py, rmsprop.py, adam.py in
Keras 3), so tests/unit/test_optimisers.py can replay them with `keras.optimizers` step for step:

- gradient descent:  p <- p - lr * g
- momentum (Keras SGD): v <- momentum * v - lr * g;  p <- p + v
- RMSprop:  s <- rho * s + (1 - rho) * g**2;  p <- p - lr * g / sqrt(s + epsilon)   (epsilon inside the root)
- Adam:  m <- m + (1 - beta_1) * (g - m);  s <- s + (1 - beta_2) * (g**2 - s);
  p <- p - lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(s) + epsilon)
  (the bias correction folded into the step size; epsilon added to the uncorrected root)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core.architecture import SEED_RECIPE

KINDS = ("gd", "momentum", "rmsprop", "adam")
BLOW_UP = 1e6  # a coordinate beyond this counts as diverged: the path stops there
CLOSE = 1e-3  # a loss below this counts as "at the minimum" in the summaries


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with one minimum: a stretched bowl or a Rosenbrock-like curved valley.

    `value` uses only + - * and powers, so it works on NumPy arrays (a grid for the contour plot)
    and on TensorFlow tensors (the test differentiates it with tf.GradientTape).
    """

    name: str
    kind: str  # "bowl": (a x^2 + b y^2) / 2;  "banana": (1 - x)^2 + b (y - x^2)^2
    a: float
    b: float
    start: tuple[float, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    learning_rate: float  # a starting learning rate and step count that show the four apart on this surface
    steps: int

    def value(self, x, y):
        """The loss at (x, y); x and y may be arrays of any (equal) shape."""
        if self.kind == "bowl":
            return 0.5 * (self.a * x**2 + self.b * y**2)
        return (1.0 - x) ** 2 + self.b * (y - x**2) ** 2

    def gradient(self, p: np.ndarray) -> np.ndarray:
        """The gradient (2,) at the point p (2,)."""
        x, y = p
        if self.kind == "bowl":
            return np.array([self.a * x, self.b * y])
        return np.array([-2.0 * (1.0 - x) - 4.0 * self.b * x * (y - x**2), 2.0 * self.b * (y - x**2)])

    @property
    def minimum(self) -> np.ndarray:
        """Where the loss is smallest (2,)."""
        return np.zeros(2) if self.kind == "bowl" else np.ones(2)

    def describe(self) -> str:
        """The surface's formula in words a learner can read."""
        if self.kind == "bowl":
            return (
                f"loss(x, y) = ({self.a:g} x² + {self.b:g} y²) / 2: a valley {self.b / self.a:g} times steeper "
                "across (y) than along its floor (x), lowest at (0, 0)"
            )
        return f"loss(x, y) = (1 - x)² + {self.b:g} (y - x²)²: a curved valley along y = x², lowest at (1, 1)"


SURFACES = {
    "valley": Surface("Narrow straight valley", "bowl", 0.1, 9.0, (-4.0, 1.5), (-5.0, 5.0), (-2.5, 2.5), 0.2, 50),
    "banana": Surface(
        "Curved valley (Rosenbrock)", "banana", 1.0, 10.0, (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), 0.02, 200
    ),
}


@dataclass(frozen=True)
class Constants:
    """Every optimiser's own constants (Keras' argument names); learning_rate is shared by all four.

    rho, beta_1, beta_2 and epsilon default to the training recipe's (Keras' defaults); momentum to 0.9,
    a common choice, since Keras' default of 0 would make the momentum path plain gradient descent.
    """

    learning_rate: float = SURFACES["valley"].learning_rate
    momentum: float = 0.9
    rho: float = SEED_RECIPE.rho
    beta_1: float = SEED_RECIPE.beta_1
    beta_2: float = SEED_RECIPE.beta_2
    epsilon: float = SEED_RECIPE.epsilon


@dataclass(frozen=True)
class Path:
    """One optimiser's walk: points (n + 1, 2) from the start, the loss at each (n + 1,), and the step
    it blew up at (or None)."""

    kind: str
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None


def path(surface: Surface, kind: str, c: Constants, n_steps: int, start=None) -> Path:
    """The points (n_steps + 1, 2) visited by optimiser `kind` (one of KINDS) from `start`.

    A path that leaves the finite numbers (or passes BLOW_UP) stops at its last good point.
    """
    p = np.array(surface.start if start is None else start, dtype=float)
    m = np.zeros(2)  # velocity (momentum) or first moment (Adam)
    s = np.zeros(2)  # running mean of squared gradients (RMSprop, Adam)
    points = [p.copy()]
    with np.errstate(all="ignore"):
        for t in range(1, n_steps + 1):
            g = surface.gradient(p)
            if kind == "gd":
                p = p - c.learning_rate * g
            elif kind == "momentum":
                m = c.momentum * m - c.learning_rate * g
                p = p + m
            elif kind == "rmsprop":
                s = c.rho * s + (1.0 - c.rho) * g**2
                p = p - c.learning_rate * g / np.sqrt(s + c.epsilon)
            elif kind == "adam":
                m = m + (1.0 - c.beta_1) * (g - m)
                s = s + (1.0 - c.beta_2) * (g**2 - s)
                alpha = c.learning_rate * np.sqrt(1.0 - c.beta_2**t) / (1.0 - c.beta_1**t)
                p = p - alpha * m / (np.sqrt(s) + c.epsilon)
            else:
                raise ValueError(f"unknown optimiser {kind!r}; expected one of {KINDS}")
            if not np.all(np.isfinite(p)) or np.max(np.abs(p)) > BLOW_UP:
                return _path(surface, kind, points, t)
            points.append(p.copy())
    return _path(surface, kind, points, None)


def _path(surface: Surface, kind: str, points: list[np.ndarray], diverged_at: int | None) -> Path:
    pts = np.array(points)
    with np.errstate(over="ignore"):  # a path near BLOW_UP has a huge but finite loss
        return Path(kind, pts, surface.value(pts[:, 0], pts[:, 1]), diverged_at)


@dataclass(frozen=True)
class Outcome:
    """Where a path ended: its loss, its distance to the minimum, and when it first got close."""

    kind: str
    steps: int  # steps taken (fewer than asked when it diverged)
    final_loss: float
    distance: float
    start_loss: float
    first_close: int | None  # first step whose loss is below `close` (None: never)
    diverged_at: int | None
    first_step: float  # length of step 1 (0 when there was none)


def outcome(surface: Surface, walk: Path, close: float = CLOSE) -> Outcome:
    """Summarise a path: final loss, distance to the surface's minimum, first step with loss below `close`."""
    losses = walk.losses
    below = np.flatnonzero(losses < close)
    return Outcome(
        kind=walk.kind,
        steps=len(walk.points) - 1,
        final_loss=float(losses[-1]),
        distance=float(np.linalg.norm(walk.points[-1] - surface.minimum)),
        start_loss=float(losses[0]),
        first_close=int(below[0]) if below.size else None,
        diverged_at=walk.diverged_at,
        first_step=float(np.linalg.norm(walk.points[1] - walk.points[0])) if len(walk.points) > 1 else 0.0,
    )


def grid(surface: Surface, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs (n,), ys (n,) and the loss on their grid (n, n), rows along y, for a contour plot."""
    xs = np.linspace(*surface.x_range, n)
    ys = np.linspace(*surface.y_range, n)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, surface.value(xx, yy)


def race(surface: Surface, c: Constants, n_steps: int, start=None) -> dict[str, tuple[Path, Outcome]]:
    """All four optimisers from the same start with the same constants: {kind: (path, outcome)}."""
    walks = {kind: path(surface, kind, c, n_steps, start) for kind in KINDS}
    return {kind: (w, outcome(surface, w)) for kind, w in walks.items()}
