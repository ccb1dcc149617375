"""What an activation did to one feature map: counts and ranges from its values before and after (NumPy).

The values come from Keras (cnn_core.nn.features: a conv layer's sums before its
activation, and the layer's output); this module only counts, so the Draw page can say
in one sentence, with this digit's numbers, what ReLU, tanh, sigmoid, ELU or linear did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SATURATION = 2.0  # |sum| beyond which tanh and the sigmoid are nearly flat (tanh(2) ~ 0.96)


@dataclass(frozen=True)
class ActivationEffect:
    """Counts and ranges of one map (any shape) before and after its activation."""

    n: int  # values in the map
    negative: int  # sums below 0 before the activation
    zeroed: int  # negative sums that came out exactly 0 (what ReLU does)
    saturated: int  # sums with |value| > SATURATION
    unchanged: int  # values the activation left as they were (within 1e-6)
    lo: float  # smallest value before
    hi: float  # largest value before
    lo_after: float
    hi_after: float
    max_change: float  # largest |after - before|
    tanh_edge: float  # tanh(SATURATION): how close to +-1 a saturated tanh value is

    def share(self, count: int) -> float:
        """`count` as a fraction of the map's values."""
        return count / self.n if self.n else 0.0


def effect(before: np.ndarray, after: np.ndarray) -> ActivationEffect:
    """Compare a map before its activation with the same map after it (same shape)."""
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    if b.shape != a.shape:
        raise ValueError(f"before {b.shape} and after {a.shape} must have the same shape")
    neg = b < 0
    change = np.abs(a - b)
    return ActivationEffect(
        n=int(b.size),
        negative=int(neg.sum()),
        zeroed=int((neg & (a == 0)).sum()),
        saturated=int((np.abs(b) > SATURATION).sum()),
        unchanged=int((change <= 1e-6).sum()),
        lo=float(b.min()),
        hi=float(b.max()),
        lo_after=float(a.min()),
        hi_after=float(a.max()),
        max_change=float(change.max()),
        tanh_edge=float(np.tanh(SATURATION)),
    )


def shared_limit(*maps: np.ndarray) -> float:
    """The largest |value| over several maps: one symmetric colour scale -lim..lim for all of them."""
    lim = max(float(np.max(np.abs(m))) for m in maps)
    return lim if lim > 0 else 1.0
