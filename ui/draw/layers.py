"""Every layer's output for the learner's digit, in order, with its shape, formula and one sentence.

Answers Q22, Q26, Q27, Q29 and Q30 beside the layer they are about. Shapes and
formulas come from cnn_core.formulas (rows paired with the model's layers by name).
"""

from __future__ import annotations

import html
import math
import re

import streamlit as st

from cnn_core.formulas import LayerRow, shape_text
from cnn_core.nn.features import FeatureReader, Reading, tile_maps
from ui.draw import activation
from ui.draw import figures as img

COLS = 8  # feature maps per mosaic row


ACTIVATION_EFFECT = {
    "relu": "then ReLU sets every negative value to 0, so a map is bright only where its kernel's pattern is found",
    "tanh": (
        "then tanh squeezes every value into -1 to +1, so a map keeps both matches (towards +1) and "
        "opposite patterns (towards -1)"
    ),
    "sigmoid": (
        "then the sigmoid squeezes every value into 0 to 1, with 0.5 where the sum was 0, so strong matches "
        "are near 1 and opposite patterns near 0"
    ),
    "elu": (
        "then ELU keeps positive values as they are and bends negative ones smoothly towards -1, so matches "
        "stand out while opposite patterns stay slightly negative"
    ),
    "linear": (
        "with no activation after it (linear), so a map keeps the raw sums: positive where the pattern "
        "is found, negative where its opposite is"
    ),
}


def activation_of(row: LayerRow) -> str:
    """The activation of a Conv2D or Dense row, the last item of its configuration."""
    return row.config.rsplit(", ", 1)[-1].strip()


def pool_of(row: LayerRow) -> tuple[str, int]:
    """('max' or 'average', window side) of a pooling row, read from the row itself."""
    kind = "max" if row.kind == "MaxPooling2D" else "average"
    size = int(re.search(r"(\d+)x\1", row.config).group(1))
    return kind, size


def _effect(activation: str) -> str:
    return ACTIVATION_EFFECT.get(activation, f"then the {activation} activation is applied to every value")


def caption(row: LayerRow) -> str:
    """One sentence of what this layer does, as configured, with its own numbers."""
    if row.kind == "Conv2D":
        c = row.output_shape[-1]
        return (
            f"Each of the {c} maps is the layer's input slid under one learned kernel ({row.config}): Keras "
            f"computes a cross-correlation and adds a bias, {_effect(activation_of(row))}."
        )
    if row.kind in ("MaxPooling2D", "AveragePooling2D"):
        kind, f = pool_of(row)
        how = "keeps the largest value" if kind == "max" else "keeps the mean"
        return (
            f"{kind.capitalize()} pooling ({f}x{f} windows, stride {f}) {how} of each {f}x{f} window, map by map: "
            f"each side shrinks about {f} times, the number of maps stays, and a feature that moves by less "
            "than a window still counts."
        )
    if row.kind == "BatchNormalization":
        return (
            f"Batch normalisation: each of the {row.output_shape[-1]} channels has the mean and variance it saw "
            "in training subtracted and divided out, then a learned scale and shift applied, so the next layer "
            "reads numbers of a steady size."
        )
    if row.kind == "Dropout":
        return (
            f"Dropout ({row.config.split(':')[0]}) zeroes values at random only while training, so no unit can "
            "rely on one other; reading your digit it passes everything through unchanged: these maps equal "
            "the layer before."
        )
    if row.kind == "Flatten":
        return (
            f"Flatten lays the {' x '.join(map(str, row.input_shape))} maps out as one list of "
            f"{row.output_shape[0]:,} numbers (nothing is learned) so that dense layers can weigh every one."
        )
    if row.name == "output":
        return (
            "Ten scores, one per digit, each a weighted sum of the previous layer; softmax turns them into "
            "probabilities that add up to 1, and the largest is the prediction."
        )
    return (
        f"Each of the {row.output_shape[0]} units adds up every value of the layer before with its own weights "
        f"plus a bias, then applies {row.config.split(', ')[-1]}: it responds to a combination of features."
    )


def _answer(name: str, rows: dict[str, LayerRow]) -> tuple[str, str] | None:
    """(question, answer in our own words) for the layer `name` of the seed-like networks."""
    r = rows[name]
    shape = shape_text(r.output_shape)
    if name == "conv1":
        dark = (
            " A map that is almost dark means its pattern is nearly absent from your digit."
            if activation_of(r) == "relu"
            else f" With {activation_of(r)}, the darkest cells are the lowest values, which can be negative: "
            "there the digit shows the opposite of the kernel's pattern."
        )
        return (
            "Q22. What do the feature maps look like after the first convolution?",
            f"They are the {r.output_shape[-1]} pictures above, computed for your own digit: {shape}, one per "
            "kernel. Each kernel looks for one small pattern (a horizontal edge, a vertical edge, a diagonal, "
            "the inside of a stroke...), so your digit appears many times, each copy lighting up a different "
            "part of it." + dark,
        )
    if name == "pool1":
        kind, f = pool_of(r)
        keeps = (
            "The bright strokes survive because the maximum keeps them"
            if kind == "max"
            else "Each cell is the mean of its window, so thin strokes get blurred and fainter"
        )
        return (
            f"Q26. What do the maps look like after the first pooling ({kind} {f}x{f} in this network)?",
            f"The same number of maps, each a coarser copy of a conv1 map: {shape} "
            f"(size formula: `{r.shape_formula}`). {keeps}; the exact position within each {f}x{f} window "
            "is forgotten.",
        )
    if name == "conv2":
        return (
            "Q27. What do the maps look like after the second convolution?",
            f"{shape}. Each of these kernels spans all the maps of the layer below ({r.config}; "
            f"`{r.params_formula}` parameters), so a map responds to a combination of strokes such as a corner, "
            "a curve or a crossing, not to one edge. They are harder to read by eye: they are built for the "
            "network, not for us.",
        )
    if name == "pool2":
        kind, f = pool_of(r)
        left = r.input_shape[0] % f
        edge = (
            f"The input side {r.input_shape[0]} is not a multiple of {f}, so its last {left} row"
            f"{'s' if left > 1 else ''} and column{'s' if left > 1 else ''} have no complete {f}x{f} window "
            "and are dropped."
            if left
            else f"The input side {r.input_shape[0]} is a multiple of {f}, so no row or column is dropped."
        )
        return (
            f"Q29. What size are the maps after the second pooling ({kind} {f}x{f} in this network)?",
            f"{shape}: `{r.shape_formula}`. {edge} Each cell now stands for a large region of the digit: "
            + ("the strongest response found in it." if kind == "max" else "the average response over it."),
        )
    if name == "conv3":
        return (
            "Q30. What do the maps look like after the third convolution?",
            f"{shape}: only {math.prod(r.output_shape[:2])} positions per map, each seeing most of the digit "
            "through the layers below. The maps no longer look like your drawing; they say which large parts "
            "are present, roughly where. Flattened, these numbers are what the dense layers read.",
        )
    return None


def _strip_caption(name: str, n: int) -> str:
    if name == "output":
        return f"{n} values, the score of digit 0 on the left to digit {n - 1} on the right."
    return f"{n} values, units numbered 1 (left) to {n} (right)."


def _title(row: LayerRow) -> str:
    shape = shape_text(row.output_shape)
    return f"<b>{row.name}</b> · {row.kind} · output <b>{shape}</b>"


def _caption(row: LayerRow) -> str:
    e = html.escape
    return f"{e(caption(row))} Size: <code>{e(row.shape_formula)}</code>. Parameters: <code>{e(row.params_formula)}</code>."


def _maps(maps, shared: bool) -> str:
    c = maps.shape[-1]
    cols = min(COLS if c <= 32 else 2 * COLS, c)
    tiles = tile_maps(maps, cols=cols, shared_scale=shared)
    label = "activation" if shared else "share of map max"
    scale = "one colour scale for the whole layer" if shared else "each map scaled to its own maximum"
    return img.mosaic(tiles, label, f"{c} feature maps, numbered 1 to {c} left to right, top to bottom; {scale}.")


def layers(reading: Reading, rows: dict[str, LayerRow], shared: bool) -> None:
    """Every layer's output for this digit, in order, each with its caption, formula and question answered.

    All in ONE html element: a few dozen Streamlit elements took the browser ~0.4 s more to lay out.
    """
    parts = []
    for name, out in reading.layers.items():
        row = rows.get(name)
        if row is None:
            continue
        body = _maps(out, shared) if out.ndim == 3 else img.strip(out, "value", _strip_caption(name, len(out)))
        parts.append(img.section(_title(row), _caption(row), body, _answer(name, rows)))
    img.show("".join(parts))


def focus(reader: FeatureReader, reading: Reading) -> None:
    """One feature map large, beside the kernel slices that made it."""
    names = [n for n, o in reading.layers.items() if o.ndim == 3]
    c1, c2 = st.columns([1, 2])
    name = c1.selectbox("Layer", names, key="draw_focus_layer")
    maps = reading.layers[name]
    n = c2.slider("Feature map", 1, maps.shape[-1], 1, key=f"draw_focus_map_{name}", help="Numbered from 1.")
    j = n - 1  # Keras counts from 0
    conv = name.replace("pool", "conv")
    try:
        k, bias = reader.kernels(conv, j)
    except ValueError:
        k, bias = None, 0.0
    parts = [img.single(maps[..., j], "activation", f"{name} map {n} ({shape_text(maps.shape[:2])})")]
    if k is not None:
        kt = tile_maps(k, cols=min(COLS, k.shape[-1]), shared_scale=True)
        n_in = k.shape[2]
        what = f"{k.shape[0]}x{k.shape[1]} weights for each of its {n_in} input map{'s' if n_in > 1 else ''}"
        parts.append(img.signed(kt, "weight", f"{conv} kernel {n}: {what}"))
    src = "the previous layer's maps" if k is None or k.shape[2] > 1 else "the 28x28 input"
    caption = (
        f"Left: map {n} of {name}. Right: the weights of kernel {n} of {conv}, one {k.shape[0] if k is not None else 0}"
        f"x{k.shape[1] if k is not None else 0} grid per channel of {src}, bias {bias:+.3f}; red weights reward "
        "brightness under them, blue weights penalise it."
        + (" Pooling has no weights: this map is the pooled copy of that kernel's output." if conv != name else "")
    )
    after = activation.before_after(reading, conv, j) if conv in reading.before else ""
    img.show(img.side_by_side(*parts) + img.note(caption) + after)  # one element: each costs the browser time
