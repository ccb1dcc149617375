"""Answers to the seed questions about the architecture (Q18-Q21, Q23, Q28, Q29, Q31).

Every number in them is computed from the seed network's layer table and the
formulas, so the text cannot drift away from the table.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.activations import MEANINGS, activate
from cnn_core.architecture import SEED
from cnn_core.formulas import conv_output_size, layer_table, shape_text
from ui.nav import link


def formula_text(formula: str) -> str:
    """A formula as Markdown (answers, table cells): '*' would start emphasis, so show it as '×'."""
    return formula.replace("*", "×")


def _answers() -> list[tuple[str, str]]:
    t = {r.name: r for r in layer_table(SEED).rows}
    c1, p1, c2, p2, c3 = t["conv1"], t["pool1"], t["conv2"], t["pool2"], t["conv3"]
    ps = SEED.conv_blocks[1].pool_size  # the second block's pooling window (and stride)
    d1, d2, out = t["dense1"], t["dense2"], t["output"]
    h, w, _ = SEED.input_shape
    k, n1 = SEED.conv_blocks[0].kernel_size, SEED.conv_blocks[0].filters
    s2 = conv_output_size(w, k, 0, 2)
    s3 = conv_output_size(w, k, 0, 3)
    same = conv_output_size(w, k, "same", 1)
    same2 = conv_output_size(w, k, "same", 2)
    return [
        (
            "Q18. What does the first layer look like?",
            f"A convolution (Keras `Conv2D`). Its weights are {n1} separate {k}x{k} patterns ({k * k} numbers "
            f"each, plus one bias per pattern). Each pattern visits every position of the "
            f"{shape_text(SEED.input_shape)} digit, one pixel step at a time; at each position the {k * k} pixels "
            "below it are multiplied by its weights, the products and the bias are added, and ReLU turns a "
            "negative total into 0. "
            f"The result is a stack of {n1} maps of {shape_text(c1.output_shape[:2])} numbers: "
            f"output {shape_text(c1.output_shape)}.",
        ),
        (
            "Q19. What does each convolutional plane represent?",
            "Each plane (a feature map) belongs to one filter. It records, for every position in the image, "
            "how strongly the patch there resembles that filter's pattern: a stroke at some angle, an edge "
            "from dark to light, the end of a line. Where the map is bright the pattern is present. The filters "
            "are not designed by hand: training chooses them.",
        ),
        (
            f"Q20. Why does {shape_text((h, w))} shrink to {shape_text(c1.output_shape[:2])}?",
            f"With 'valid' padding the {k}x{k} window must lie entirely inside the image, so its centre can never "
            f"sit on the outermost ring of pixels. Along each axis there are only {w} - {k} + 1 = "
            f"{c1.output_shape[0]} places to put it: {formula_text(c1.shape_formula)}. With 'same' padding Keras adds a border "
            f"of zeros, so at stride 1 the map keeps its size ({same}); at stride 2 'same' gives "
            f"{same2}, about half.",
        ),
        (
            "Q21. What happens with a stride above 1?",
            f"The window jumps S pixels instead of one, so the map shrinks about S times along each axis: "
            f"a {k}x{k} filter on {w} pixels gives {c1.output_shape[0]} positions at stride 1, {s2} at stride 2 "
            f"and {s3} at stride 3. Compute drops with the square of the stride, the number of parameters does "
            "not change at all (the same filters are used), and fine details can be skipped; with a stride "
            "larger than the kernel some pixels are never looked at. Try it in block 1 above.",
        ),
        (
            f"Q23. Where do the {c1.params:,} parameters of layer 1 come from?",
            f"Each of the {n1} filters has {k}x{k} = {k * k} weights for its one input channel, plus a bias: "
            f"{formula_text(c1.params_formula)}. The layer reuses those weights at all "
            f"{c1.output_shape[0] * c1.output_shape[1]:,} positions, which is why a convolution needs so few.",
        ),
        (
            f"Q28. Where do the {c2.params:,} parameters of layer 2 come from?",
            f"Layer 2 reads the {p1.output_shape[2]} maps that pooling left, so each of its "
            f"{c2.output_shape[2]} filters is {k}x{k}x{p1.output_shape[2]} = {k * k * p1.output_shape[2]} weights deep, "
            f"plus a bias: {formula_text(c2.params_formula)}.",
        ),
        (
            "Q29. How big are the maps after the second pooling?",
            f"The second convolution gives {shape_text(c2.output_shape[:2])} maps; {ps}x{ps} "
            f"{SEED.conv_blocks[1].pool} pooling with stride {ps} keeps {p2.output_shape[0]} windows per axis "
            f"({formula_text(p2.shape_formula)}), "
            + (
                f"so the last {c2.output_shape[0] % ps} row(s) and column(s) fit no window and are dropped"
                if c2.output_shape[0] % ps
                else "so every row and column falls in exactly one window"
            )
            + f": output {shape_text(p2.output_shape)}.",
        ),
        (
            f"Q31. Where do the {c3.params:,} parameters after layer 3 come from?",
            f"The third convolution has {c3.output_shape[2]} filters over {p2.output_shape[2]} input maps: "
            f"{formula_text(c3.params_formula)}. Its {shape_text(c3.output_shape)} output is flattened to "
            f"{t['flatten'].output_shape[0]} numbers, and the first dense layer happens to need the same count: "
            f"{formula_text(d1.params_formula)}. Then {formula_text(d2.params_formula)} and the output layer {formula_text(out.params_formula)}.",
        ),
    ]


def show_answers() -> None:
    """The answers as expanders (the seed network's numbers, whatever the learner is editing)."""
    st.caption("Answers use the seed network's numbers; the table shows yours.")
    for title, body in _answers():
        with st.expander(title):
            st.markdown(body)
            if title.startswith("Q19"):  # the planes themselves: under "The planes of layer 1" below
                link("draw", "See the real feature maps of a digit you draw (Draw page)", ":material/draw:")


def activation_caption(num_classes: int) -> str:
    """What the activation curves show, and why the output layer is not among them."""
    return (
        "Each curve takes the sum a layer computes (weights times inputs, plus the bias) and gives what the layer "
        "passes on, for sums from -4 to 4. Thick solid lines: the activations this network uses; thin dotted: the "
        f"others. The output layer always uses softmax, which turns its {num_classes} sums together into "
        f"{num_classes} probabilities that add up to 1, so it is not a curve of one sum."
    )


def activation_summary(used: dict[str, list[str]]) -> str:
    """Markdown: for each activation in use, its layers, what it keeps, its outputs and two computed values."""
    lines = []
    for name, layers in used.items():
        if layers:
            m = MEANINGS[name]
            lo, hi = activate(name, -2.0), activate(name, 2.0)
            lines.append(
                f"- **{name}** ({', '.join(layers)}): {m.keeps}. Its output is {m.output}; "
                f"a sum of -2 becomes {lo:.3g}, a sum of 2 becomes {hi:.3g}."
            )
    unused = [n for n, layers in used.items() if not layers]
    if unused:
        lines.append(f"- Not used in this network: {', '.join(unused)} (thin dotted lines).")
    return "\n".join(lines)
