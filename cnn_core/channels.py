"""One Conv2D filter over a colour picture: a K x K slice per input channel, summed (NumPy, no TensorFlow).

A Keras `Conv2D` filter on an (H, W, C) input is a (K, K, C) block of weights. Each
channel is cross-correlated with its own K x K slice, and the C results are added
up, with one bias, into ONE output map. `tests/unit/test_channels.py` checks this
against `tf.nn.conv2d` and a Keras `Conv2D`, and the parameter count against
`count_params()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_core import convolution as C
from cnn_core.formulas import conv_params
from cnn_core.images import LUMA

CHANNELS = ("red", "green", "blue")
LUMINANCE = "Luminance (as the grey version)"
# How much of the picked kernel each channel's slice gets: slice c = mix[c] * kernel.
MIXES: dict[str, tuple[float, float, float]] = {
    LUMINANCE: tuple(float(v) for v in LUMA),
    "Equal thirds": (1 / 3, 1 / 3, 1 / 3),
    "Red only": (1.0, 0.0, 0.0),
    "Green only": (0.0, 1.0, 0.0),
    "Blue only": (0.0, 0.0, 1.0),
    "Red minus blue": (1.0, 0.0, -1.0),
}


def stack_kernel(weights: np.ndarray, mix) -> np.ndarray:
    """(K, K) weights and C channel factors -> the (K, K, C) kernel whose slice c is mix[c] * weights."""
    w = np.asarray(weights, dtype=np.float64)
    return w[:, :, np.newaxis] * np.asarray(mix, dtype=np.float64)[np.newaxis, np.newaxis, :]


@dataclass(frozen=True)
class ChannelConv:
    """One filter over a C-channel picture.

    image : (H, W, C) input.   kernel : (K, K, C) weights.   bias : the filter's one bias.
    per_channel : (C, OH, OW), channel c cross-correlated with kernel[..., c].
    total : (OH, OW) = per_channel.sum(axis=0) + bias, what Conv2D outputs before its activation.
    """

    image: np.ndarray
    kernel: np.ndarray
    bias: float
    per_channel: np.ndarray
    total: np.ndarray
    padding: str
    stride: int


def correlate_channels(
    image: np.ndarray, kernel: np.ndarray, padding: str = "valid", stride: int = 1, bias: float = 0.0
) -> ChannelConv:
    """Cross-correlate every channel with its slice and add the results (Conv2D with one filter).

    Parameters
    ----------
    image : (H, W, C) picture (any range).
    kernel : (K, K, C) weights, not flipped.
    padding : one of convolution.PADDINGS ('zero' is Keras' 'same').   stride : 1 or more.
    bias : added once to the sum (not once per channel).

    Returns
    -------
    ChannelConv with per_channel (C, OH, OW) and total (OH, OW), float64.

    Raises convolution.BadConvolution when the shapes do not match or no window fits.
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 3 or kernel.ndim != 3 or kernel.shape[2] != image.shape[2]:
        raise C.BadConvolution(
            f"A colour filter needs an (H, W, C) picture and a (K, K, C) kernel with the same C; "
            f"got a picture of shape {image.shape} and a kernel of shape {kernel.shape}."
        )
    per = np.stack([C.correlate2d(image[..., c], kernel[..., c], padding, stride) for c in range(image.shape[2])])
    return ChannelConv(image, kernel, float(bias), per, per.sum(axis=0) + bias, padding, int(stride))


@dataclass(frozen=True)
class LayerParams:
    """The parameters of a Conv2D layer of `filters` K x K filters over `c_in` channels (conv_params)."""

    k: int
    c_in: int
    filters: int

    @property
    def per_filter(self) -> int:
        """Weights in one filter: K * K * C_in (the input-channel term multiplies the slice)."""
        return self.k * self.k * self.c_in

    @property
    def total(self) -> int:
        return conv_params(self.k, self.c_in, self.filters)

    @property
    def grey_total(self) -> int:
        """The same layer on a one-channel (grey) input."""
        return conv_params(self.k, 1, self.filters)

    @property
    def text(self) -> str:
        """'K*K*C_in*F + F = total' with the numbers plugged in."""
        return f"{self.k}*{self.k}*{self.c_in}*{self.filters} + {self.filters} = {self.total:,}"
