"""The size and parameter formulas, one owner each (no TensorFlow here).

Keras' conventions are followed exactly, and `tests/unit/test_formulas.py` checks
every function against Keras' own `output_shape` and `count_params()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core.architecture import Architecture

# The general formulas as the pages print them; `conv_size_text` and `pool_size_text` plug numbers in.
CONV_SIZE = "O = floor((W - K + P) / S) + 1"  # P: pixels of padding added along the axis, both sides together
POOL_SIZE = "O = floor((W - F) / S) + 1"


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as every page writes it: (26, 26, 32) -> '26 x 26 x 32', (28, 28) -> '28 x 28'."""
    return " x ".join(str(d) for d in shape)


def conv_output_size(w: int, k: int, padding: int | str = 0, stride: int = 1) -> int:
    """Output width of a convolution: O = floor((W - K + 2P) / S) + 1.

    Parameters
    ----------
    w, k : input width and kernel width, in pixels.
    padding : pixels added on each side, or Keras' 'valid' (P = 0) / 'same'.
        'same' gives O = ceil(W / S), as Keras does (padding as `same_pads` says).
    stride : step between two windows.

    Returns
    -------
    int : the output width; zero or negative means no window fits.
    """
    if padding == "valid":
        padding = 0
    if padding == "same":
        return math.ceil(w / stride)
    return math.floor((w - k + 2 * padding) / stride) + 1


def same_pads(w: int, k: int, stride: int = 1) -> tuple[int, int]:
    """Pixels Keras' 'same' adds along one axis: (before, after), i.e. (top, bottom) or (left, right).

    The total is what the last window needs, max((ceil(W / S) - 1) * S + K - W, 0): K - 1 at
    stride 1, often less at larger strides (28 wide, 3x3, stride 2: 1 px). An odd total puts the
    extra pixel after (bottom/right).
    """
    total = max((conv_output_size(w, k, "same", stride) - 1) * stride + k - w, 0)
    return total // 2, total - total // 2


def conv_size_text(w: int, k: int, padding: int | str = 0, stride: int = 1) -> str:
    """CONV_SIZE with numbers plugged in, P the padding in total: 'floor((28 - 3 + 0) / 1) + 1 = 26'.

    `padding` as in `conv_output_size` (an int is pixels on each side, so P = 2 * padding).
    """
    if padding == "same":
        p = sum(same_pads(w, k, stride))
    else:
        p = 0 if padding == "valid" else 2 * int(padding)
    return f"floor(({w} - {k} + {p}) / {stride}) + 1 = {conv_output_size(w, k, padding, stride)}"


def same_pads_text(w: int, k: int, stride: int = 1) -> str:
    """What 'same' padding adds along one axis, in words: "'same' pads 1 px in total: 0 top/left, 1 bottom/right"."""
    before, after = same_pads(w, k, stride)
    return f"'same' pads {before + after} px in total: {before} top/left, {after} bottom/right"


def pool_output_size(w: int, pool: int = 2, stride: int | None = None) -> int:
    """Output width of a pooling layer without padding: floor((W - F) / S) + 1, S = F by default."""
    stride = pool if stride is None else stride
    return math.floor((w - pool) / stride) + 1


def pool_size_text(w: int, pool: int = 2, stride: int | None = None) -> str:
    """POOL_SIZE with numbers plugged in: 'floor((26 - 2) / 2) + 1 = 13'."""
    stride = pool if stride is None else stride
    return f"floor(({w} - {pool}) / {stride}) + 1 = {pool_output_size(w, pool, stride)}"


def conv_params(k: int, c_in: int, c_out: int) -> int:
    """Weights and biases of a K x K Conv2D: K*K*C_in*C_out + C_out."""
    return k * k * c_in * c_out + c_out


def dense_params(n_in: int, n_out: int) -> int:
    """Weights and biases of a Dense layer: N_in*N_out + N_out."""
    return n_in * n_out + n_out


def batch_norm_params(channels: int) -> tuple[int, int]:
    """(all, non-trainable) parameters of a BatchNormalization over `channels` channels: 4*C and 2*C.

    Per channel it learns a scale (gamma) and a shift (beta), and keeps a running mean and variance
    of what it saw in training, used in place of the batch's own when it reads a single image.
    """
    return 4 * channels, 2 * channels


def batches_per_epoch(n_examples: int, batch_size: int, validation_split: float = 0.0) -> int:
    """Steps in one epoch: ceil(N_train / B), with N_train what validation_split leaves (as Keras splits)."""
    n_val = int(n_examples * validation_split)
    return math.ceil((n_examples - n_val) / batch_size)


@dataclass(frozen=True)
class LayerRow:
    """One row of the architecture table. Shapes leave out the batch axis."""

    name: str  # also the Keras layer name built by cnn_core.nn.model
    kind: str  # Conv2D, MaxPooling2D, AveragePooling2D, BatchNormalization, Dropout, Flatten, Dense
    config: str  # the hyper-parameters in words
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    shape_formula: str  # the size formula with this row's numbers plugged in
    params: int
    params_formula: str
    macs: int  # multiply-accumulates for one example
    error: str | None = None  # why this layer cannot exist, if it cannot
    non_trainable: int = 0  # parameters the optimizer never updates (batch norm's running statistics)

    @property
    def activations(self) -> int:
        return math.prod(self.output_shape)

    @property
    def trainable(self) -> int:
        return self.params - self.non_trainable


@dataclass(frozen=True)
class ArchitectureTable:
    rows: tuple[LayerRow, ...]

    @property
    def valid(self) -> bool:
        return self.first_error is None

    @property
    def first_error(self) -> LayerRow | None:
        return next((r for r in self.rows if r.error), None)

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def total_trainable(self) -> int:
        return sum(r.trainable for r in self.rows)

    @property
    def total_macs(self) -> int:
        return sum(r.macs for r in self.rows)


def _conv_row(i: int, b, shape) -> LayerRow:
    h, w, c = shape
    k, s = b.kernel_size, b.stride
    out = conv_output_size(w, k, b.padding, s)
    f = conv_size_text(w, k, b.padding, s)
    if b.padding == "same":
        f += f"   ({same_pads_text(w, k, s)})"
    p = conv_params(k, c, b.filters)
    error = None
    if out < 1:
        error = (
            f"A {k}x{k} kernel does not fit in the {w}x{w} input with '{b.padding}' padding "
            f"(output size {out}): use 'same' padding, a smaller kernel, or fewer blocks."
        )
    out_shape = (max(out, 0), max(out, 0), b.filters)
    return LayerRow(
        name=f"conv{i}",
        kind="Conv2D",
        config=f"{b.filters} filters {k}x{k}, stride {s}, {b.padding}, {b.activation}",
        input_shape=shape,
        output_shape=out_shape,
        shape_formula=f,
        params=p,
        params_formula=f"{k}*{k}*{c}*{b.filters} + {b.filters} = {p:,}",
        macs=max(out, 0) ** 2 * k * k * c * b.filters,
        error=error,
    )


def _pool_row(i: int, b, shape) -> LayerRow:
    h, w, c = shape
    f = b.pool_size
    out = pool_output_size(w, f)
    error = None
    if out < 1:
        error = f"A {f}x{f} pooling window does not fit in the {w}x{w} feature map: remove this pooling or a block."
    kind = "MaxPooling2D" if b.pool == "max" else "AveragePooling2D"
    return LayerRow(
        name=f"pool{i}",
        kind=kind,
        config=f"{b.pool} {f}x{f}, stride {f}",
        input_shape=shape,
        output_shape=(max(out, 0), max(out, 0), c),
        shape_formula=pool_size_text(w, f),
        params=0,
        params_formula="0 (pooling learns nothing)",
        macs=0,
        error=error,
    )


def _dense_row(name: str, n_in: int, units: int, activation: str, shape) -> LayerRow:
    p = dense_params(n_in, units)
    return LayerRow(
        name=name,
        kind="Dense",
        config=f"{units} units, {activation}",
        input_shape=shape,
        output_shape=(units,),
        shape_formula=f"{units} units",
        params=p,
        params_formula=f"{n_in}*{units} + {units} = {p:,}",
        macs=n_in * units,
    )


def _norm_row(name: str, shape) -> LayerRow:
    c = shape[-1]
    p, fixed = batch_norm_params(c)
    return LayerRow(
        name=name,
        kind="BatchNormalization",
        config=f"scale and shift each of the {c} channels",
        input_shape=shape,
        output_shape=shape,
        shape_formula="same shape as its input",
        params=p,
        params_formula=f"2*{c} learned (scale, shift) + 2*{c} running (mean, variance) = {p:,}",
        macs=math.prod(shape),  # one multiply-add per value
        non_trainable=fixed,
    )


def _dropout_row(name: str, rate: float, shape) -> LayerRow:
    return LayerRow(
        name=name,
        kind="Dropout",
        config=f"rate {rate:g}: zeroes {rate:.0%} of the values while training, none when reading a digit",
        input_shape=shape,
        output_shape=shape,
        shape_formula="same shape as its input",
        params=0,
        params_formula="0 (dropout learns nothing)",
        macs=0,
    )


def layer_table(arch: Architecture) -> ArchitectureTable:
    """Every layer of `arch` with its shapes, parameters and formulas, as Keras would build it.

    Layers after the first impossible one are still listed (with shapes clipped at 0)
    so a page can show where the network breaks; `table.first_error` names it.
    """
    rows: list[LayerRow] = []
    shape = tuple(arch.input_shape)
    for i, b in enumerate(arch.conv_blocks, start=1):
        rows.append(_conv_row(i, b, shape))
        if b.batch_norm:
            rows.append(_norm_row(f"block{i}_norm", rows[-1].output_shape))
        if b.pool != "none":
            rows.append(_pool_row(i, b, rows[-1].output_shape))
        if b.dropout > 0:
            rows.append(_dropout_row(f"block{i}_drop", b.dropout, rows[-1].output_shape))
        shape = rows[-1].output_shape
    flat = math.prod(shape)
    dims = " * ".join(str(d) for d in shape)
    rows.append(LayerRow("flatten", "Flatten", "", shape, (flat,), f"{dims} = {flat:,}", 0, "0", 0))
    shape, n = (flat,), flat
    for j, d in enumerate(arch.dense_layers, start=1):
        rows.append(_dense_row(f"dense{j}", n, d.units, d.activation, shape))
        if d.batch_norm:
            rows.append(_norm_row(f"dense{j}_norm", rows[-1].output_shape))
        if d.dropout > 0:
            rows.append(_dropout_row(f"dense{j}_drop", d.dropout, rows[-1].output_shape))
        shape, n = rows[-1].output_shape, d.units
    rows.append(_dense_row("output", n, arch.num_classes, "softmax", shape))
    return ArchitectureTable(tuple(rows))
