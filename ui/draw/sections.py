"""The Draw page's answer: the prediction, the ten probabilities, the saliency map and the preprocessing steps."""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core.digits import STEP_OFF, STEP_TITLES, STEPS, Preprocessed, display, preprocess
from cnn_core.formulas import shape_text
from cnn_core.nn.features import UNSURE_GAP, UNSURE_TOP, Reading, read_picture, reader_for
from ui.draw import bars as fig
from ui.draw import figures as img
from ui.draw import softmax as softmax_view
from ui.draw.inputs import DigitInput
from ui.keep import keep, last


def read(model, pic: DigitInput, switches: dict[str, bool] | None) -> tuple[Preprocessed, Reading]:
    """The page's one call: preprocess the picture (never inverting the canvas) and read it.

    Raises digits.EmptyDrawing, digits.NotADigit or digits.BadDrawing, as `digits.preprocess` does.
    """
    if pic.is_mnist:
        return read_picture(model, pic.pixels, is_mnist=True)
    pre = preprocess(pic.pixels, switches, may_invert=pic.source != "canvas")  # the canvas is white on black
    pre.shrunk = pre.shrunk or pic.shrunk
    return pre, reader_for(model).read(pre.image)


def step_switches() -> dict[str, bool]:
    """Pills to switch preprocessing steps off; returns {step: on?}."""
    on = st.pills(
        "Preprocessing steps applied (click one to switch it off and see what changes)",
        list(STEPS),
        default=last("draw_steps", list(STEPS)),
        selection_mode="multi",
        format_func=lambda s: STEP_TITLES[s].split(",")[0].split(":")[0],
        key="draw_steps",
    )
    keep("draw_steps", list(on or []))
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
    top = ", ".join(f"{d}: {reading.probs[d]:.1%}" for d in reading.ranked[:3])
    caption = f"The ten output probabilities (they add up to 1). Highest three: {top}."
    img.show(fig.probabilities(reading.probs, reading.digit) + img.note(caption))  # one element, not two


def saliency(x, reading: Reading) -> None:
    """The saliency map over the input, and the push towards the runner-up."""
    sal = img.overlay(
        x, np.abs(reading.saliency), "|gradient|", f"Where the score of {reading.digit} is sensitive, over your digit"
    )
    con = img.signed(
        reading.contrast, "gradient", f"Towards {reading.digit} (red) or towards {reading.runner_up} (blue)"
    )
    img.show(  # one element with its caption: each element costs the browser time after every drawing
        img.side_by_side(sal, con)
        + img.note(
            f"Left: how strongly each of the 784 input pixels moves the score of {reading.digit} (the gradient of "
            "that score with respect to the pixel: a saliency map), in hot colours over your grey digit. Right: the "
            f"gradient of score({reading.digit}) minus score({reading.runner_up}), the runner-up; a red pixel made "
            f"brighter would push the answer further towards {reading.digit}, a blue one towards {reading.runner_up}."
        )
    )


def steps(pre: Preprocessed) -> None:
    """The pictures after each preprocessing step, with their shapes."""
    if pre.inverted:
        st.info("Your picture had dark ink on a light background, so it was inverted first (MNIST is white on black).")
    if pre.shrunk:
        st.caption("The picture was large, so it was shrunk (area average) before the steps.")
    pics, caps = [], []
    for i, s in enumerate(pre.stages, start=1):
        pics.append(display(s.image))
        shape = shape_text(s.image.shape)
        caps.append(f"{i}. {s.title} ({shape})" if s.applied else f"{i}. {s.name} {STEP_OFF[s.name]} ({shape})")
    img.show(img.row(pics, " → ".join(caps)))
    lo, hi = float(pre.image.min()), float(pre.image.max())
    st.caption(f"The network's input: 28 x 28 values from {lo:.2f} to {hi:.2f}.")


def softmax(reading: Reading, pic: DigitInput) -> None:
    """The ten raw scores -> softmax -> probabilities, and the loss for a chosen true digit (answers Q32)."""
    subject = "your digit" if pic.source != "test" else pic.note
    softmax_view.section(
        reading.logits, reading.digit, "draw_softmax", subject, "the prediction", question=softmax_view.q32()
    )
