"""The Draw page's answer: the prediction, the ten probabilities, the saliency map and the preprocessing steps."""

from __future__ import annotations

import streamlit as st

from cnn_core.digits import STEP_OFF, STEP_TITLES, STEPS, Preprocessed, display
from cnn_core.features import UNSURE_GAP, UNSURE_TOP, Reading
from ui import draw_figures as fig

NO_BAR = {"displayModeBar": False}


def step_switches() -> dict[str, bool]:
    """Pills to switch preprocessing steps off; returns {step: on?}."""
    on = st.pills(
        "Preprocessing steps applied (click one to switch it off and see what changes)",
        list(STEPS),
        default=list(STEPS),
        selection_mode="multi",
        format_func=lambda s: STEP_TITLES[s].split(",")[0].split(":")[0],
        key="draw_steps",
    )
    return {s: s in (on or []) for s in STEPS}


def prediction(reading: Reading, model_label: str) -> None:
    """The predicted digit as a metric, an unsure note, which model answered, and the probabilities."""
    st.metric("Prediction", reading.digit, f"{reading.probability:.1%} sure", delta_color="off")
    if reading.unsure:
        st.warning(
            f"The model is unsure: its top probability is {reading.probability:.0%} and the runner-up, "
            f"{reading.runner_up}, is {reading.gap:.0%} behind (unsure means below {UNSURE_TOP:.0%}, or "
            f"less than {UNSURE_GAP:.0%} ahead). Try drawing larger, thicker or more like a printed digit.",
            icon=":material/help:",
        )
    st.caption(f"Answered by: {model_label}.")
    st.plotly_chart(fig.probabilities(reading.probs, reading.digit), key="draw_probs", config=NO_BAR)
    top = ", ".join(f"{d}: {reading.probs[d]:.1%}" for d in reading.ranked[:3])
    st.caption(f"The ten output probabilities (they add up to 1). Highest three: {top}.")


def saliency(x, reading: Reading) -> None:
    st.plotly_chart(
        fig.saliency(x, reading.saliency, reading.contrast, reading.digit, reading.runner_up),
        key="draw_saliency",
        config=NO_BAR,
    )
    st.caption(
        f"Left: how strongly each of the 784 input pixels moves the score of {reading.digit} (the gradient of "
        "that score with respect to the pixel, a saliency map), over your digit. Right: the gradient of "
        f"score({reading.digit}) minus score({reading.runner_up}); red pixels, made brighter, would push the "
        f"answer further towards {reading.digit}, blue ones towards {reading.runner_up}. The black line "
        "outlines your strokes."
    )


def steps(pre: Preprocessed) -> None:
    """The pictures after each preprocessing step, with their shapes."""
    if pre.inverted:
        st.info("Your picture had dark ink on a light background, so it was inverted first (MNIST is white on black).")
    if pre.shrunk:
        st.caption("The picture was large, so it was shrunk (area average) before the steps.")
    imgs, caps = [], []
    for s in pre.stages:
        imgs.append(display(s.image))
        shape = " x ".join(map(str, s.image.shape))
        caps.append(f"{s.title} ({shape})" if s.applied else f"{s.name} {STEP_OFF[s.name]} ({shape})")
    st.image(imgs, caption=caps, width=112)
    lo, hi = float(pre.image.min()), float(pre.image.max())
    st.caption(f"The network's input: 28 x 28 values from {lo:.2f} to {hi:.2f}.")
