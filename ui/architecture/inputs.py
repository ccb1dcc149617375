"""The network editor: widgets in, an `Architecture` out.

Widget values live under the keys below; `load_preset` writes a whole
architecture into them. The edited network is also kept in
`st.session_state[ui.state.ARCHITECTURE]` by the page, and the editor starts
from it, so the learner's network survives a visit to another page.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.activations import MEANINGS
from cnn_core.arch_string import canonical
from cnn_core.architecture import (
    ACTIVATIONS,
    LIMITS,
    PADDINGS,
    POOLS,
    PRESETS,
    SEED,
    Architecture,
    ConvBlock,
    DenseLayer,
)
from cnn_core.formulas import layer_table
from ui import address, state
from ui.keep import run_number

PAGE = "architecture"  # the page's name in lesson links (cnn_core.lesson_links)
MIN_CONV, MAX_CONV = LIMITS.conv_blocks
MIN_DENSE, MAX_DENSE = LIMITS.dense_layers
PRESET_KEY = "arch_preset"
N_CONV_KEY, N_DENSE_KEY = "arch_n_conv", "arch_n_dense"
KEPT_KEY = "arch_kept"  # {widget key: last value}: not a widget key, so it outlives hidden widgets
CONV_FIELDS = (
    "filters",
    "kernel_size",
    "stride",
    "padding",
    "activation",
    "pool",
    "pool_size",
    "batch_norm",
    "dropout",
)
DENSE_FIELDS = ("units", "activation", "batch_norm", "dropout")
# A block or layer added beyond the stored network starts from these (they fit after the seed's blocks).
NEW_BLOCK = ConvBlock(64, 3, padding="same", pool="none")
NEW_DENSE = DenseLayer(32)
BATCH_NORM_HELP = (
    "After the activation, rescale each channel to mean 0 and spread 1 over the batch, then by a learned "
    "scale and shift. Steadier steps, so training needs fewer epochs."
)
ACTIVATION_HELP = "What the layer does to each sum before passing it on; the curves below the picture show all five."

PRESET_LABELS = {
    "seed": f"Seed (the article's network, {layer_table(PRESETS['seed']).total_params / 1000:.0f}k parameters)",
    "small": "Small (fewer, narrower blocks)",
    "wide": "Wide (twice the filters)",
    "improved": "Improved ('same' padding, 5x5 kernels, batch norm, dropout)",
}


def conv_key(i: int, field: str) -> str:
    """Session key of field `field` of conv block `i` (1-based)."""
    return f"arch_c{i}_{field}"


def dense_key(j: int, field: str) -> str:
    """Session key of field `field` ('units' or 'activation') of hidden dense layer `j` (1-based)."""
    return f"arch_d{j}_{field}"


def _values(arch: Architecture) -> dict:
    """Every widget value describing `arch` (blocks beyond it get the NEW_* defaults)."""
    v = {N_CONV_KEY: len(arch.conv_blocks), N_DENSE_KEY: len(arch.dense_layers)}
    for i in range(1, MAX_CONV + 1):
        b = arch.conv_blocks[i - 1] if i <= len(arch.conv_blocks) else NEW_BLOCK
        for f in CONV_FIELDS:
            v[conv_key(i, f)] = getattr(b, f)
    for j in range(1, MAX_DENSE + 1):
        d = arch.dense_layers[j - 1] if j <= len(arch.dense_layers) else NEW_DENSE
        for f in DENSE_FIELDS:
            v[dense_key(j, f)] = getattr(d, f)
    return v


def load_preset(name: str | None = None) -> None:
    """Write preset `name` (default: the one chosen in the selector) into the widgets."""
    name = name or st.session_state.get(PRESET_KEY, "seed")
    load_architecture(PRESETS[name])


def load_architecture(arch: Architecture) -> None:
    """Write `arch` into the widgets (the preset selector too, when it is a preset)."""
    values = _values(arch)
    preset = next((n for n, a in PRESETS.items() if canonical(a) == canonical(arch)), None)
    if preset is not None:
        values[PRESET_KEY] = preset
    st.session_state.update(values)
    if KEPT_KEY in st.session_state:  # hidden blocks must come back as the new network's, not as before
        st.session_state[KEPT_KEY]["values"].update(values)


def apply_address(values: dict) -> list[str]:
    """A lesson link's network into the editor; kept for the Train page too when Keras can build it."""
    arch = values["net"]
    load_architecture(arch)
    if layer_table(arch).valid:
        st.session_state[state.ARCHITECTURE] = arch
    return []


def address_values() -> dict:
    """The edited network, as the address holds it."""
    return {"net": _read()}


def _locked(name: str) -> bool:
    """Whether a lesson fixed this setting (or the whole network, 'net')."""
    return address.locked(PAGE, name) or address.locked(PAGE, "net")


def _init_missing(stored: Architecture) -> None:
    """Give every editor key a value before the widgets are drawn, losing nothing the learner set.

    Streamlit drops the state of widgets a run did not draw (all of them after a visit to another
    page; a block hidden by lowering "Conv blocks"), and a dropped key can even read back an old
    value. So every key not drawn in the previous run is written again from the values kept at
    the end of the editor's last run (a plain key, which Streamlit never deletes).
    """
    ss = st.session_state
    kept = ss.get(KEPT_KEY)
    if kept is None:  # first visit: start from the stored network
        for k, v in (_values(stored) | {PRESET_KEY: "seed"}).items():
            if k not in ss:
                ss[k] = v
        return
    alive = kept["drawn"] if kept["run"] == run_number() - 1 else set()
    for k, v in kept["values"].items():
        if k not in alive:
            ss[k] = v


def _keep_all(n_conv: int, n_dense: int) -> None:
    """Remember every editor value, and which widgets this run drew."""
    ss = st.session_state
    drawn = {PRESET_KEY, N_CONV_KEY, N_DENSE_KEY}
    drawn |= {conv_key(i, f) for i in range(1, n_conv + 1) for f in CONV_FIELDS}
    drawn |= {dense_key(j, f) for j in range(1, n_dense + 1) for f in DENSE_FIELDS}
    values = {k: ss[k] for k in (*_values(SEED), PRESET_KEY) if k in ss}
    ss[KEPT_KEY] = {"values": values, "drawn": drawn, "run": run_number()}


def _conv_block(i: int) -> None:
    with st.container(border=True):
        st.markdown(f"**Block {i}**")
        st.number_input("Filters", *LIMITS.filters, step=1, key=conv_key(i, "filters"), disabled=_locked("filters"))
        c1, c2 = st.columns(2)
        c1.number_input(
            "Kernel size", *LIMITS.kernel_size, step=1, key=conv_key(i, "kernel_size"), disabled=_locked("kernel")
        )
        c2.number_input("Stride", *LIMITS.stride, step=1, key=conv_key(i, "stride"), disabled=_locked("stride"))
        c5, c6 = st.columns(2)
        c5.selectbox("Padding", PADDINGS, key=conv_key(i, "padding"), disabled=_locked("padding"))
        with c6:
            _activation(conv_key(i, "activation"))
        c3, c4 = st.columns(2)
        pool = c3.selectbox("Pooling", POOLS, key=conv_key(i, "pool"), disabled=_locked("pool"))
        c4.selectbox(
            "Pool size",
            LIMITS.pool_sizes,
            key=conv_key(i, "pool_size"),
            disabled=pool == "none" or _locked("pool"),
        )
        _regularisers(conv_key(i, "batch_norm"), conv_key(i, "dropout"), "after the pooling")


def _dense_layer(j: int) -> None:
    with st.container(border=True):
        st.markdown(f"**Dense {j}**")
        st.number_input("Units", *LIMITS.units, step=1, key=dense_key(j, "units"), disabled=_locked("units"))
        _activation(dense_key(j, "activation"))
        _regularisers(dense_key(j, "batch_norm"), dense_key(j, "dropout"), "of the layer's outputs")


def _regularisers(norm_key: str, drop_key: str, where: str) -> None:
    """Batch normalisation and dropout for one block or layer (both off in the article's network)."""
    st.checkbox("Batch norm", key=norm_key, help=BATCH_NORM_HELP, disabled=_locked("regularise"))
    st.number_input(
        "Dropout",
        *LIMITS.dropout,
        step=0.05,
        format="%.2f",
        key=drop_key,
        help=f"The fraction {where} set to 0 at random in each training step (none when reading a digit). 0: off.",
        disabled=_locked("regularise"),
    )


def _activation(key: str) -> None:
    """A layer's activation picker with its output range underneath (conv blocks and dense layers alike)."""
    act = st.selectbox("Activation", ACTIVATIONS, key=key, help=ACTIVATION_HELP, disabled=_locked("activation"))
    st.caption(f"{act}: output {MEANINGS[act].output} (curves below).")


def _read() -> Architecture:
    """The network the editor's keys hold: the one place its widgets' values become an `Architecture`."""
    ss = st.session_state
    blocks = tuple(
        ConvBlock(
            int(ss[conv_key(i, "filters")]),
            int(ss[conv_key(i, "kernel_size")]),
            int(ss[conv_key(i, "stride")]),
            ss[conv_key(i, "padding")],
            ss[conv_key(i, "activation")],
            ss[conv_key(i, "pool")],
            int(ss[conv_key(i, "pool_size")]),
            bool(ss[conv_key(i, "batch_norm")]),
            round(float(ss[conv_key(i, "dropout")]), 2),
        )
        for i in range(1, int(ss[N_CONV_KEY]) + 1)
    )
    dense = tuple(
        DenseLayer(
            int(ss[dense_key(j, "units")]),
            ss[dense_key(j, "activation")],
            bool(ss[dense_key(j, "batch_norm")]),
            round(float(ss[dense_key(j, "dropout")]), 2),
        )
        for j in range(1, int(ss[N_DENSE_KEY]) + 1)
    )
    return Architecture(conv_blocks=blocks, dense_layers=dense)


def edited_architecture() -> Architecture:
    """The network the editor's widgets hold now, read from their session keys before they are drawn.

    Reading first lets a page send the table before the ~40 editor widgets, so the browser
    shows the new numbers before it re-renders the editor (see bench/bench_architecture.py).
    """
    _init_missing(st.session_state.get(state.ARCHITECTURE, SEED))
    return _read()


def architecture_editor() -> Architecture:
    """Draw the preset selector and the block editors; return the network they describe.

    It is the network `edited_architecture` read before they were drawn: a widget's value is its key's.
    """
    _init_missing(st.session_state.get(state.ARCHITECTURE, SEED))
    top = st.columns([2, 1, 1])
    top[0].selectbox(
        "Start from a preset",
        list(PRESETS),
        format_func=PRESET_LABELS.get,
        key=PRESET_KEY,
        on_change=load_preset,
        help="Choosing a preset replaces every setting below.",
        disabled=bool(address.locks(PAGE)),  # a preset would replace what the lesson fixed
    )
    n_conv = top[1].number_input("Conv blocks", MIN_CONV, MAX_CONV, step=1, key=N_CONV_KEY, disabled=_locked("blocks"))
    n_dense = top[2].number_input(
        "Hidden dense layers", MIN_DENSE, MAX_DENSE, step=1, key=N_DENSE_KEY, disabled=_locked("blocks")
    )

    cols = st.columns(MAX_CONV)
    for i in range(1, int(n_conv) + 1):
        with cols[i - 1]:
            _conv_block(i)
    cols = st.columns(MAX_DENSE + 1)
    for j in range(1, int(n_dense) + 1):
        with cols[j - 1]:
            _dense_layer(j)
    with cols[int(n_dense)]:
        with st.container(border=True):
            st.markdown("**Output**")
            st.caption(f"Dense, {SEED.num_classes} units, softmax: one probability per digit. Always there.")
    _keep_all(int(n_conv), int(n_dense))
    return _read()
