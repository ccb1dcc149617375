"""Kernels page sections: filtering side by side, the window-by-window walk, pooling.

Each section renders results computed by cnn_core (filtering, pooling); no maths here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import filtering, formulas, pooling
from cnn_core.formulas import shape_text
from cnn_core.kernels import Kernel
from ui.errors import plain
from ui.keep import keep, last, last_index
from ui.kernels import text as T
from ui.kernels.figures import OUTPUT, WINDOW, grid, grid_row
from ui.kernels.gaussian import show_gaussian
from ui.kernels.inputs import KernelPicture, Settings, editor_start

SMALL = 64  # outputs up to this size get their current pixel outlined


def _chart(fig, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "displayModeBar": False}, key=key)


def show_kernel(kernel: Kernel) -> None:
    """The kernel's weights as a labelled grid (two grids for a two-kernel operation)."""
    st.markdown(f"**{kernel.name}**: {kernel.purpose}")
    st.markdown(T.kernel_text(kernel))
    ws = [kernel.weights] if kernel.second is None else [kernel.weights, kernel.second]
    names = ["weights"] if kernel.second is None else ["Sobel x", "Sobel y"]
    for w, n in zip(ws, names, strict=True):
        k = w.shape[0]
        signed = bool((w < 0).any())
        _chart(
            grid(
                w,
                f"{n} ({k}x{k})",
                signed=signed,
                text=k <= 7,
                fmt=".3~g",
                colorbar="weight",
                height=260 if k <= 7 else 330,
            )
        )
    st.caption(
        "Each cell is one weight; the colour legend gives its value"
        + (" (blue negative, red positive)." if kernel.signed else ".")
    )


def show_size(f: filtering.Filtered) -> None:
    """The output-size formula with this picture's numbers, and the notes on padding and flipping."""
    (h, w), (oh, ow) = f.image.shape, f.output.shape
    st.markdown(
        f"**Output size** `{formulas.CONV_SIZE}`, P = padding pixels in total: height `{f.formula_h}`, "
        f"width `{f.formula_w}`. The {shape_text((h, w))} input gives a **{shape_text((oh, ow))}** output."
    )
    for n in f.notes:
        st.info(n, icon=":material/info:")


def show_filtering(pic: KernelPicture, kernel: Kernel, f: filtering.Filtered, s: Settings) -> None:
    """Input, kernel and output side by side, the output-size formula, and the difference image."""
    oh, ow = f.output.shape
    h, w = f.image.shape
    show_size(f)
    c1, c2, c3 = st.columns([5, 3, 5])
    with c3:  # filled first, so the new output reaches the browser before anything else
        lo, hi = float(f.output.min()), float(f.output.max())
        if s.raw:
            _chart(grid(f.output, f"Output (raw): {shape_text((oh, ow))}", signed=f.signed, colorbar="sum", height=380))
        else:
            _chart(
                grid(
                    f.picture,
                    f"Output (0-255 picture): {shape_text((oh, ow))}",
                    zrange=(0, 255),
                    colorbar="0-255",
                    height=380,
                )
            )
        what = "convolution" if s.convolve else "cross-correlation"
        st.caption(
            f"Output of {kernel.name} ({what}), stride {f.stride}: {shape_text((oh, ow))} pixels, values from {lo:.4g} to {hi:.4g}."
        )
    with c1:
        if pic.colour is not None:
            st.image(pic.colour, caption=f"{pic.label}, in colour (the grey version is filtered)", width=180)
        _chart(grid(f.image, f"Input: {shape_text((h, w))}", zrange=(0, 255), colorbar="brightness", height=380))
        st.caption(f"{plain(pic.label)}; grey 0 (black) to 255 (white).")
    with c2:
        show_kernel(kernel)
    if kernel.sigma is not None:  # the Gaussian's formula and profile, right under its weights
        show_gaussian(kernel.size, kernel.sigma)
    if f.signed:
        st.markdown(T.NEGATIVE)
    if keep("k_diff", st.toggle("Show the difference image (output minus input)", last("k_diff", False), key="k_diff")):
        _chart(
            grid(
                f.difference,
                "Output - input under each window's centre",
                signed=True,
                colorbar="difference",
                height=380,
            )
        )
        st.caption(
            "Red: the kernel made the pixel brighter; blue: darker; white: unchanged. Each output pixel is compared "
            "with the input pixel under its window's centre. With a blur the differences sit on the strokes' edges; "
            "with the identity kernel they are all 0."
        )


def _advance(n_rows: int, n_cols: int) -> None:
    r, c = st.session_state.get("k_row", 0), st.session_state.get("k_col", 0) + 1
    if c >= n_cols:
        r, c = (r + 1) % n_rows, 0
    st.session_state["k_row"], st.session_state["k_col"] = r, c


def _position(label: str, key: str, n: int) -> int:
    if st.session_state.get(f"{key}_n") != n:  # a new output size: start again from its centre
        st.session_state[f"{key}_n"] = n
        st.session_state[key] = n // 2
    st.session_state[key] = min(int(st.session_state.get(key, last(key, n // 2))), n - 1)
    if n <= 1:
        st.caption(f"{label}: 0 (the output has only one).")
        return 0
    return keep(key, st.slider(label, 0, n - 1, key=key))


def _step_body(f: filtering.Filtered, kernel: Kernel, playing: bool) -> None:
    oh, ow = f.output.shape
    if playing:
        _advance(oh, ow)
    c1, c2, c3 = st.columns([2, 2, 1])
    with c1:
        row = _position("Output row", "k_row", oh)
    with c2:
        col = _position("Output column", "k_col", ow)
    c3.button("Next position", on_click=_advance, args=(oh, ow), icon=":material/skip_next:", key="k_next")
    v = filtering.explain(f, row, col)
    s0 = v.steps[0]
    k = s0.kernel.shape[0]
    a, b = st.columns(2)
    with a:
        hl = [(v.window_at[0], v.window_at[1], k, k, WINDOW)]
        title = "Input with padding" if f.padding != "valid" else "Input"
        _chart(
            grid(
                v.crop,
                f"{title}: window at output ({row}, {col})",
                padded=v.crop_padded,
                origin=v.origin,
                highlight=hl,
                zrange=(0, 255),
                colorbar="brightness",
                height=360,
            ),
            key="k_step_input",
        )
        st.caption(
            f"The orange square is the {k}x{k} window (rows {s0.top}-{s0.top + k - 1}, columns {s0.left}-{s0.left + k - 1} "
            f"of the {'padded ' if f.padding != 'valid' else ''}input); x marks padding. It moves {f.stride} px per step."
        )
    with b:
        if max(oh, ow) <= SMALL:
            _chart(
                grid(
                    f.output,
                    f"Output: pixel ({row}, {col})",
                    signed=f.signed,
                    highlight=[(row, col, 1, 1, OUTPUT)],
                    colorbar="sum",
                    height=360,
                ),
                key="k_step_output",
            )
            st.caption("The green square is the output pixel that this window produces.")
    for i, s in enumerate(v.steps):
        name = "" if len(v.steps) == 1 else ("Sobel x: " if i == 0 else "Sobel y: ")
        panels = [
            (s.window, f"{name}window values", dict(zrange=(0, 255), colorbar="brightness")),
            (s.kernel, f"{name}kernel weights", dict(signed=bool((s.kernel < 0).any()), colorbar="weight")),
            (s.products, f"{name}products (window x kernel)", dict(signed=True, colorbar="product")),
        ]
        _chart(grid_row(panels, height=260 if k <= 7 else 340), key=f"k_step_{i}")
        expr = " + ".join(f"({p:.3g})" for p in s.products.ravel()) if k <= 3 else f"the {k * k} products"
        st.markdown(f"{name}sum of {expr} = **{s.total:.6g}**")
    if len(v.steps) == 2:
        st.markdown(
            f"Gradient magnitude: sqrt(({v.steps[0].total:.6g})² + ({v.steps[1].total:.6g})²) = **{v.value:.6g}**"
        )
    done = "the sum above" if len(v.steps) == 1 else "the magnitude above"
    st.success(f"Output pixel ({row}, {col}) = {v.value:.6g}: the same number as {done}.", icon=":material/check:")


def show_steps(f: filtering.Filtered, kernel: Kernel) -> None:
    """The walk: choose an output position (or Play), see its window, products and sum."""
    st.markdown(T.STEP)
    show_size(f)
    playing = st.toggle("Play: walk through the positions (one per second)", key="k_play")
    st.fragment(run_every=1.0 if playing else None)(_step_body)(f, kernel, playing)


def show_pooling(pic: KernelPicture) -> None:
    """Max and average pooling on an editable 6x6 matrix, then on the chosen picture."""
    st.markdown(T.POOLING)
    c1, c2 = st.columns([3, 2])
    with c1:
        df = st.data_editor(
            editor_start("k_pool_matrix", pd.DataFrame(pooling.EXAMPLE, columns=[str(i + 1) for i in range(6)])),
            key="k_pool_matrix",
            num_rows="fixed",
            hide_index=True,
            column_config={str(i + 1): st.column_config.NumberColumn(str(i + 1), format="%g") for i in range(6)},
        )
    with c2:
        keep("k_pool_matrix", df)
        size = st.radio("Pool size F", (2, 3), last_index("k_pool_size", (2, 3)), horizontal=True, key="k_pool_size")
        strides = (1, 2, 3)
        stride = st.radio(
            "Pool stride S", strides, last_index("k_pool_stride", strides, 1), horizontal=True, key="k_pool_stride"
        )
        keep("k_pool_size", size), keep("k_pool_stride", stride)
    try:
        m = pooling.parse_matrix(df)
        max_ws = pooling.windows(m, size, stride, "max")
        avg_ws = pooling.windows(m, size, stride, "average")
    except pooling.BadPooling as e:
        st.error(plain(e), icon=":material/grid_off:")  # quotes the typed cell
        return
    mx, av = pooling.pool2d(m, size, stride, "max"), pooling.pool2d(m, size, stride, "average")
    st.markdown(
        f"Pooled size: {formulas.POOL_SIZE}, here {formulas.pool_size_text(m.shape[0], size, stride)}, "
        f"so {shape_text(m.shape)} becomes **{shape_text(mx.shape)}**."
    )
    i = 1
    if len(max_ws) > 1:
        start = min(last("k_pool_window", 1), len(max_ws))
        i = keep("k_pool_window", st.slider("Window to highlight", 1, len(max_ws), start, key="k_pool_window"))
    wmax, wavg = max_ws[i - 1], avg_ws[i - 1]
    a, b, c = st.columns(3)
    with a:
        _chart(
            grid(
                m,
                "Input matrix",
                highlight=[(wmax.top, wmax.left, size, size, WINDOW)],
                fmt="~g",
                colorbar="value",
                height=360,
            ),
            key="k_pool_in",
        )
    with b:
        _chart(
            grid(mx, "Max pooling", highlight=[(wmax.row, wmax.col, 1, 1, OUTPUT)], fmt="~g", height=360),
            key="k_pool_max",
        )
    with c:
        _chart(
            grid(av, "Average pooling", highlight=[(wavg.row, wavg.col, 1, 1, OUTPUT)], fmt=".3~g", height=360),
            key="k_pool_avg",
        )
    st.caption(
        f"Window {i} (orange, rows {wmax.top + 1}-{wmax.top + size}, columns {wmax.left + 1}-{wmax.left + size}): "
        f"max = {wmax.result:g}, average = {wavg.result:.4g} (green cells)."
    )
    st.markdown(f"**The same pooling on the picture** ({plain(pic.label)}):")
    try:
        pm = pooling.pool2d(pic.grey, size, stride, "max")
        pa = pooling.pool2d(pic.grey, size, stride, "average")
    except pooling.BadPooling as e:
        st.warning(plain(e))
        return
    h, w = pic.grey.shape
    x, y = st.columns(2)
    with x:
        _chart(
            grid(pm, f"Max pooled: {shape_text(pm.shape)}", zrange=(0, 255), colorbar="brightness", height=360),
            key="k_pool_pic_max",
        )
    with y:
        _chart(
            grid(pa, f"Average pooled: {shape_text(pa.shape)}", zrange=(0, 255), colorbar="brightness", height=360),
            key="k_pool_pic_avg",
        )
    st.caption(
        f"{shape_text((h, w))} -> {shape_text(pm.shape)}: height {formulas.pool_size_text(h, size, stride)}, width "
        f"{formulas.pool_size_text(w, size, stride)}. Max pooling keeps the strokes bright; average pooling greys them."
    )


def show_texts(texts: list[str]) -> None:
    """Explanations side by side, one column each."""
    for c, t in zip(st.columns(len(texts)), texts, strict=True):
        c.markdown(t)
