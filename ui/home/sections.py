"""Home page: the live element beside each answer, from the sample digits and the shipped model's saved numbers.

Nothing here imports TensorFlow: the model's answers and first-layer weights come from
cnn_core.seed_facts (computed once with Keras, shipped, and checked against Keras in tests).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.data import N_PIXELS, N_TEST
from cnn_core.formulas import shape_text
from cnn_core.images import downscale, to_grey
from cnn_core.samples import Samples
from cnn_core.seed_facts import SeedFacts, TrainingRecord, first_layer_map, load_facts, load_record
from cnn_core.shifting import MAX_SHIFT, changed, shift
from ui import figures as shared
from ui.home import figures as F
from ui.home import text as T
from ui.keep import keep, last, last_index

PHOTO_SIDE = 128  # the photo is filtered at this size: enough to see the response, quick to draw


@st.cache_resource(show_spinner=False)
def facts() -> SeedFacts:
    return load_facts()


@st.cache_resource(show_spinner=False)
def record() -> TrainingRecord:
    return load_record()


@st.cache_resource(show_spinner=False)
def photo_grey() -> np.ndarray:
    """The shipped colour photo in grey, long side PHOTO_SIDE, 0..255."""
    from ui.kernels.inputs import astronaut  # the photo's one loader (cached per server)

    return to_grey(downscale(astronaut(), PHOTO_SIDE)[0])


def _chart(fig, key: str) -> None:
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key=key)


def pick_digit(s: Samples) -> int:
    """The sample digit the live answers use; returns its row in `s`."""
    options = s.indices.tolist()
    t = st.selectbox(
        "Sample digit for the live answers below (MNIST test image number)",
        options,
        last_index("home_digit", options),
        format_func=lambda i: f"#{i}, a {s.by_test_index(i)[1]}",
        key="home_digit",
    )
    keep("home_digit", t)
    return int(np.flatnonzero(s.indices == t)[0])


def purpose(s: Samples, row: int) -> None:
    """Q1, Q17: the shipped model's ten probabilities for the digit, its test accuracy and the loss it lowered."""
    f, r = facts(), record()
    p, label, t = f.probs[f.row(int(s.indices[row]))], int(s.labels[row]), int(s.indices[row])
    a, b = st.columns([1, 3])
    a.image(s.images[row], width=112, caption=f"test image #{t}, labelled {label}")
    with b:
        _chart(shared.vector_bar(p, f"The shipped network's answer for #{t}", "probability"), key="home_probs")
    wrong = round((1 - r.test_accuracy) * N_TEST)
    st.caption(
        f"Ten probabilities, one per digit, summing to {p.sum():.3f}: the largest, {p.max():.3%}, goes to "
        f"{int(p.argmax())} ({T.PRECOMPUTED}). On all {N_TEST:,} test images, none of them seen in training, the "
        f"shipped network is right {r.test_accuracy:.2%} of the time, about {wrong} mistakes."
    )
    st.markdown(T.objective(r))


def how_it_works(s: Samples, row: int) -> None:
    """Q3: one learned first-layer filter slid over the digit, then ReLU and pooling."""
    f = facts()
    n = keep(
        "home_filter", st.slider("Filter of the first layer", 1, f.filters, last("home_filter", 1), key="home_filter")
    )
    m = first_layer_map(s.images[row], f, n - 1)
    k = m.kernel.shape[0]
    lim = float(np.abs(m.kernel).max())
    items = [
        dict(z=s.images[row], title=f"Digit {shape_text(s.images[row].shape)}", colorbar="0-255", zrange=(0, 255)),
        dict(
            z=m.kernel, title=f"Filter {n}: {k}x{k} weights", colorbar="weight", zrange=(-lim, lim), scale=F.DIVERGING
        ),
        dict(z=m.response, title=f"After ReLU {shape_text(m.response.shape)}", colorbar="response"),
    ]
    if m.pooled is not None:
        items.append(dict(z=m.pooled, title=f"After pooling {shape_text(m.pooled.shape)}", colorbar="response"))
    _chart(F.panels(items), "home_layer1")
    r, c = np.unravel_index(int(np.argmax(m.response)), m.response.shape)
    st.caption(
        f"Filter {n} of the shipped network's first layer (bias {m.bias:.3g}; blue weights negative, red positive) "
        f"slid over the digit: bright where the patch matches, strongest ({m.response.max():.3g}) at row {r}, "
        f"column {c}; ReLU sets {np.count_nonzero(m.response == 0)} of the {m.response.size} places to 0. "
        "Computed here in NumPy from the model's saved weights; the Draw page shows every map straight from Keras."
    )


def elsewhere() -> None:
    """Q4: a filter learned from digits, applied to a photograph."""
    f = facts()
    n = keep(
        "home_photo_filter", st.slider("Filter", 1, f.filters, last("home_photo_filter", 1), key="home_photo_filter")
    )
    g = photo_grey()
    m = first_layer_map(g, f, n - 1)
    items = [
        dict(z=g, title=f"Photo in grey, {shape_text(g.shape)}", colorbar="0-255", zrange=(0, 255)),
        dict(z=m.response, title=f"Filter {n} of the digit network", colorbar="response"),
    ]
    _chart(F.panels(items, height=340), "home_photo")
    share = np.count_nonzero(m.response) / m.response.size
    st.caption(
        f"First-layer filter {n}, learned only from handwritten digits, slid over a photo of an astronaut (NASA, "
        f"public domain): it answers in {share:.0%} of the places, brightest where the photo holds the pattern it "
        "learned. Nothing in the sums is about digits: the same arithmetic reads any picture."
    )


def why_hard(s: Samples, row: int) -> None:
    """Q5: move the digit by whole pixels, count the numbers that change, and what the network then reads."""
    f = facts()
    a, b = st.columns(2)
    dy = keep("home_dy", a.slider("Move down (pixels)", -MAX_SHIFT, MAX_SHIFT, last("home_dy", 0), key="home_dy"))
    dx = keep("home_dx", b.slider("Move right (pixels)", -MAX_SHIFT, MAX_SHIFT, last("home_dx", 1), key="home_dx"))
    img = s.images[row]
    moved = shift(img, dy, dx)
    n = changed(img, moved)
    items = [
        dict(z=img, title="As written", colorbar="0-255", zrange=(0, 255)),
        dict(z=moved, title=f"Moved {dy} down, {dx} right", colorbar="0-255", zrange=(0, 255)),
        dict(
            z=(img != moved).astype(np.uint8),
            title=f"{n} numbers changed",
            colorbar="changed",
            zrange=(0, 1),
            scale=F.CHANGED,
        ),
    ]
    _chart(F.panels(items), "home_shift")
    st.metric("Numbers that changed", f"{n} of {N_PIXELS}", help="Pixels whose value differs after the move.")
    digit, p = f.shifted(int(s.indices[row]), dy, dx)
    acc = f.shift_accuracy(s.labels)
    j = int(np.flatnonzero((f.shifts[:, 0] == dy) & (f.shifts[:, 1] == dx))[0])
    centre = int(np.flatnonzero((f.shifts == 0).all(axis=1))[0])
    st.caption(
        f"{n} of the {N_PIXELS} numbers ({n / N_PIXELS:.0%}) differ, yet a person still reads a {int(s.labels[row])}. "
        f"The shipped network reads this moved digit as {digit} ({p:.1%}). Moved the same way, {acc[j]:.0%} of the "
        f"{len(s.indices)} sample digits are still read correctly, against {acc[centre]:.0%} unmoved "
        f"(the network's answers {T.PRECOMPUTED})."
    )


def works_well() -> None:
    """Q42: the shipped model's training and validation accuracy per epoch."""
    r = record()
    _chart(F.history(r), "home_history")
    st.caption(T.history_caption(r))
