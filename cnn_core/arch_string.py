"""A network as one short, readable string, for web addresses: `c32k3-p2,c64k3-p2,c64k3/d64,d32` is the seed.

Grammar (lower case; spaces are ignored):

    network := conv ("," conv)* ["/" [dense ("," dense)*]]
    conv    := "c" FILTERS ["k" KERNEL] ["s" STRIDE] ("-" option)*
    option  := "same" | "valid"          padding (default valid)
             | "p" SIZE | "a" SIZE        max or average pooling after the block, SIZE x SIZE (default: none)
             | ACTIVATION                 relu (default), tanh, sigmoid, elu, linear
             | extra
    extra   := "bn"                       batch normalisation after the activation
             | "drop" PERCENT             dropout of PERCENT % at the end of the block
    dense   := "d" UNITS ("-" (ACTIVATION | extra))*

So `c32k5s2-same-tanh-a3` is 32 filters of 5x5, stride 2, 'same' padding, tanh, then 3x3 average
pooling; `d64` a hidden dense layer of 64 ReLU units; `c32k3-bn-p2-drop25` adds batch normalisation
and a 25 % dropout to a block. Without "/" (or with nothing after it) there is
no hidden dense layer; the softmax output is always there. `to_string` always writes the kernel size
(it is what a learner looks at first) and leaves out every other default.

Numbers outside `LIMITS` are clamped to the nearest allowed value, with a note; anything else that
does not follow the grammar raises `BadArchString` naming the broken part.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cnn_core.architecture import ACTIVATIONS, LIMITS, PADDINGS, Architecture, ConvBlock, DenseLayer

MAX_CHARS = 300  # 4 blocks and 3 dense layers, every option written out, fit in about 200
POOL_LETTERS = {"p": "max", "a": "average"}
_CONV = re.compile(r"c(\d{1,6})(?:k(\d{1,6}))?(?:s(\d{1,6}))?")
_DENSE = re.compile(r"d(\d{1,7})")
_POOL = re.compile(r"([pa])(\d{1,6})")
_DROP = re.compile(r"drop(\d{1,6})")


class BadArchString(ValueError):
    """A network string that does not follow the grammar; str(e) names the broken part."""


def canonical(arch: Architecture) -> Architecture:
    """`arch` with the settings that change nothing set to their defaults (a pool size without pooling)
    and dropout to whole percents (what the string keeps), so that two networks that build the same
    layers compare equal."""
    blocks = tuple(replace(b, pool_size=2) if b.pool == "none" else b for b in arch.conv_blocks)
    return replace(
        arch,
        conv_blocks=tuple(replace(b, dropout=round(b.dropout, 2)) for b in blocks),
        dense_layers=tuple(replace(d, dropout=round(d.dropout, 2)) for d in arch.dense_layers),
    )


def _conv_text(b: ConvBlock) -> str:
    text = f"c{b.filters}k{b.kernel_size}" + (f"s{b.stride}" if b.stride != 1 else "")
    options = ["same"] if b.padding == "same" else []
    options += [b.activation] if b.activation != "relu" else []
    letter = {v: k for k, v in POOL_LETTERS.items()}.get(b.pool)
    options += [f"{letter}{b.pool_size}"] if letter else []
    return "-".join([text, *options, *_extras_text(b)])


def _extras_text(layer: ConvBlock | DenseLayer) -> list[str]:
    return (["bn"] if layer.batch_norm else []) + ([f"drop{round(layer.dropout * 100)}"] if layer.dropout else [])


def _dense_text(d: DenseLayer) -> str:
    options = [d.activation] if d.activation != "relu" else []
    return "-".join([f"d{d.units}", *options, *_extras_text(d)])


def to_string(arch: Architecture) -> str:
    """The network's string (see the module docstring); `parse(to_string(a))` gives `canonical(a)` back."""
    conv = ",".join(_conv_text(b) for b in arch.conv_blocks)
    dense = ",".join(_dense_text(d) for d in arch.dense_layers)
    return f"{conv}/{dense}" if dense else conv


def _clamp(value: int, lo_hi: tuple[int, int], what: str, where: str, notes: list[str]) -> int:
    lo, hi = lo_hi
    if lo <= value <= hi:
        return value
    near = min(max(value, lo), hi)
    notes.append(f"{where}: {what} {value:,} is outside {lo}-{hi}, so {near} is used.")
    return near


def _shown(part: str) -> str:
    return part if len(part) <= 24 else part[:21] + "..."


def _extra(option: str, where: str, found: dict, notes: list[str]) -> bool:
    """Read a batch-norm or dropout option into `found`; False when `option` is neither."""
    dropped = _DROP.fullmatch(option)
    if option == "bn":
        found["batch_norm"] = True
    elif dropped:
        lo, hi = (round(v * 100) for v in LIMITS.dropout)
        found["dropout"] = _clamp(int(dropped[1]), (lo, hi), "the dropout percentage", where, notes) / 100
    else:
        return False
    return True


def _conv(part: str, i: int, notes: list[str]) -> ConvBlock:
    where = f"block {i} '{_shown(part)}'"
    head, *options = part.split("-")
    m = _CONV.fullmatch(head)
    if m is None:
        raise BadArchString(
            f"{where} does not start like c32k3 (c, the number of filters, then k and the kernel size)."
        )
    filters = _clamp(int(m[1]), LIMITS.filters, "the number of filters", where, notes)
    kernel = _clamp(int(m[2] or 3), LIMITS.kernel_size, "the kernel size", where, notes)
    stride = _clamp(int(m[3] or 1), LIMITS.stride, "the stride", where, notes)
    padding, activation, pool, pool_size = "valid", "relu", "none", 2
    extras: dict = {}
    for option in options:
        pooled = _POOL.fullmatch(option)
        if _extra(option, where, extras, notes):
            pass
        elif option in PADDINGS:
            padding = option
        elif option in ACTIVATIONS:
            activation = option
        elif pooled:
            pool, pool_size = POOL_LETTERS[pooled[1]], int(pooled[2])
            if pool_size not in LIMITS.pool_sizes:
                near = min(LIMITS.pool_sizes, key=lambda s: (abs(s - pool_size), s))
                notes.append(f"{where}: pool size {pool_size:,} is not one of {LIMITS.pool_sizes}, so {near} is used.")
                pool_size = near
        else:
            raise BadArchString(
                f"{where}: '{_shown(option)}' is not a padding (same, valid), an activation "
                f"({', '.join(ACTIVATIONS)}), a pooling (p2, a2, ...), bn or a dropout (drop25)."
            )
    return ConvBlock(filters, kernel, stride, padding, activation, pool, pool_size, **extras)


def _dense(part: str, j: int, notes: list[str]) -> DenseLayer:
    where = f"dense layer {j} '{_shown(part)}'"
    head, *options = part.split("-")
    m = _DENSE.fullmatch(head)
    if m is None:
        raise BadArchString(f"{where} does not look like d64 (d, then the number of units).")
    units = _clamp(int(m[1]), LIMITS.units, "the number of units", where, notes)
    activations, extras = [], {}
    for option in options:
        if not _extra(option, where, extras, notes):
            activations.append(option)
    if len(activations) > 1 or (activations and activations[0] not in ACTIVATIONS):
        raise BadArchString(
            f"{where}: after the units come at most one activation ({', '.join(ACTIVATIONS)}), "
            "bn and a dropout (drop50)."
        )
    return DenseLayer(units, activations[0] if activations else "relu", **extras)


def _count(n: int, lo_hi: tuple[int, int], what: str) -> None:
    lo, hi = lo_hi
    if not lo <= n <= hi:
        raise BadArchString(f"The network has {n} {what}; the editor allows {lo} to {hi}.")


def parse(text) -> tuple[Architecture, list[str]]:
    """(network, notes) from a string such as `c32k3-p2,c64k3-p2,c64k3/d64,d32`.

    Notes say which numbers were clamped into `LIMITS`. Raises BadArchString (a sentence naming
    the broken part) for anything else, including a string longer than MAX_CHARS.
    """
    if not isinstance(text, str):
        raise BadArchString("The network is missing.")
    text = re.sub(r"\s+", "", text).lower()
    if len(text) > MAX_CHARS:
        raise BadArchString(f"The network text is {len(text):,} characters long; at most {MAX_CHARS} are read.")
    if text.count("/") > 1:
        raise BadArchString("The network has more than one '/': conv blocks come before it, dense layers after.")
    conv_text, _, dense_text = text.partition("/")
    convs = conv_text.split(",") if conv_text else []
    denses = dense_text.split(",") if dense_text else []
    _count(len(convs), LIMITS.conv_blocks, "conv blocks")
    _count(len(denses), LIMITS.dense_layers, "hidden dense layers")
    notes: list[str] = []
    blocks = tuple(_conv(p, i, notes) for i, p in enumerate(convs, start=1))
    dense = tuple(_dense(p, j, notes) for j, p in enumerate(denses, start=1))
    return Architecture(conv_blocks=blocks, dense_layers=dense), notes
