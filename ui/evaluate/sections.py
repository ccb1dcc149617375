"""Evaluate page sections: one test image, the classification report, the confusion drill-down, mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cnn_core import metrics
from cnn_core.data import N_CLASSES
from cnn_core.nn.features import reader_for
from cnn_core.preprocess import one_hot, to_model_input
from ui import state
from ui.draw import softmax as softmax_view
from ui.evaluate.figures import TestResult, confusion_figure, digit_figure, probability_figure

GALLERY_MAX = 24


def one_image(res: TestResult, x_test: np.ndarray, model, i: int) -> None:
    """Q39: test image `i`, its true label and one-hot vector, the probabilities, the argmax, softmax and the loss."""
    true, probs = int(res.labels[i]), res.probs[i]
    left, right = st.columns([1, 2])
    left.plotly_chart(digit_figure(x_test[i], f"Test image #{i}"), key="one-image")
    right.plotly_chart(probability_figure(probs, true), key="one-probs")
    hot = one_hot(true).astype(int).tolist()
    pred = int(res.predicted[i])
    st.markdown(
        f"True label **{true}**, one-hot `{hot}`. The model's probability vector has {len(probs)} entries that add up "
        f"to 1; its largest entry (the argmax) is at **{pred}** with probability {probs[pred]:.4f}, so the "
        f"model answers {pred}: {'right' if pred == true else 'wrong'}."
    )
    st.markdown(f"**How test image #{i} gets these probabilities, and what its loss is**")
    logits = reader_for(model).scores(to_model_input(x_test[i : i + 1]))[0]  # one call of the model's layers
    softmax_view.section(logits, true, f"eval_softmax_{i}", f"test image #{i}", f"the true label, {true}")


def report_section(res: TestResult) -> None:
    """The classification report, and Q40 / Q41 read from this model's own numbers."""
    frame = pd.DataFrame(res.report.rows())
    st.dataframe(
        frame.style.format({"precision": "{:.4f}", "recall": "{:.4f}", "f1": "{:.4f}", "support": "{:,}"}),
        hide_index=True,
        height=36 * (len(frame) + 1) + 4,  # every row visible, averages included
    )
    r = res.report
    cm = res.confusion
    n = int(np.sum(r.support))
    st.caption(
        f"**support** is how many test images truly show that digit: {r.support[1]:,} of the {n:,} are 1s, "
        f"{r.support[5]:,} are 5s. It counts images, it is not a score; a digit with a small support has "
        "scores that move more when a few images change."
    )
    st.markdown(
        f"**Q40, precision of 7 = {r.precision[7]:.3f}.** Look down the 7 column of the confusion matrix below: "
        f"the model answered 7 for {cm[:, 7].sum():,} images, and {cm[7, 7]:,} of them really are 7s, "
        f"{cm[7, 7]:,} / {cm[:, 7].sum():,} = {r.precision[7]:.1%}. Precision asks how far you can trust the "
        f"answer 7. **Q41, recall of 8 = {r.recall[8]:.3f}.** Now look along the 8 row: the test set holds "
        f"{r.support[8]:,} handwritten 8s, and {cm[8, 8]:,} of them got the answer 8, "
        f"{cm[8, 8]:,} / {r.support[8]:,} = {r.recall[8]:.1%}; the other {r.support[8] - cm[8, 8]:,} were "
        "read as another digit. Recall asks how many of the 8s are caught."
    )
    st.caption(
        "**f1** combines the two into one score per digit: 2 × precision × recall / (precision + recall). It is "
        "high only when both are high, so a model cannot raise it by being careful (high precision, low recall) "
        "or by answering that digit very often (high recall, low precision). The macro average gives every digit "
        "the same weight, the weighted average weighs each digit by its support. "
        f"Overall accuracy {r.accuracy:.4f}."
    )


def _gallery(indices: np.ndarray, res: TestResult, x_test: np.ndarray, key: str) -> int | None:
    """Thumbnails with true/predicted/confidence; returns the index the learner picks, if any."""
    if len(indices) == 0:
        st.info("No test images in this cell.")
        return None
    shown = indices[:GALLERY_MAX]
    captions = [f"#{i}: {res.labels[i]}→{res.predicted[i]} ({res.probs[i, res.predicted[i]]:.0%})" for i in shown]
    st.image([x_test[i] for i in shown], caption=captions, width=84)
    if len(indices) > GALLERY_MAX:
        st.caption(f"Showing {GALLERY_MAX} of {len(indices):,} images.")
    return st.selectbox("Look closer at", [None, *shown.tolist()], key=f"pick-{key}", format_func=_name)


def _name(i) -> str:
    return "choose an image" if i is None else f"test image #{i}"


def _open_on_draw(i: int, res: TestResult, x_test: np.ndarray, key: str) -> None:
    left, right = st.columns([1, 2])
    left.plotly_chart(digit_figure(x_test[i], f"Test image #{i} (true {res.labels[i]})"), key=f"img-{key}")
    right.plotly_chart(probability_figure(res.probs[i], int(res.labels[i])), key=f"probs-{key}")
    if st.button(f"Open #{i} on the Draw page's layer view", key=f"draw-{key}"):
        st.session_state[state.DRAW_TEST_IMAGE] = int(i)
        st.switch_page("app_pages/draw.py")


CELL_FOR, TRUE_KEY, PRED_KEY = "eval_cell_for", "eval_true", "eval_pred"


def _cell_clicked() -> None:
    """A click on the confusion matrix selects that cell in the two boxes."""
    points = st.session_state["confusion"].selection.get("points", [])
    if points:
        st.session_state[TRUE_KEY] = int(round(points[0]["y"]))
        st.session_state[PRED_KEY] = int(round(points[0]["x"]))


def confusion_section(res: TestResult, x_test: np.ndarray) -> None:
    """Heatmap (counts or row shares) and the images of one selected cell."""
    normalised = st.toggle("Normalise each row (share of each true digit)", value=False)
    t0, p0 = metrics.largest_confusion(res.confusion)
    if st.session_state.get(CELL_FOR) != res.model_id or TRUE_KEY not in st.session_state:  # new model / back
        st.session_state[CELL_FOR] = res.model_id
        st.session_state[TRUE_KEY], st.session_state[PRED_KEY] = t0, p0
    c1, c2 = st.columns(2)
    t = c1.selectbox("True digit", range(N_CLASSES), key=TRUE_KEY)
    p = c2.selectbox("Predicted digit", range(N_CLASSES), key=PRED_KEY)
    st.plotly_chart(
        confusion_figure(res.confusion, normalised, (t, p)),
        key="confusion",
        on_select=_cell_clicked,
        selection_mode="points",
    )
    st.caption(
        "Click a cell (or use the two boxes) to see its images. "
        f"Rows are the true digits, columns the model's answers; the {res.confusion.sum():,} counts add up to "
        f"the whole test set and the diagonal ({np.trace(res.confusion):,}) is what it got right. The largest "
        f"mix-up is {t0} read as {p0} ({res.confusion[t0, p0]:,} images). The red box is the selected cell."
    )
    idx = metrics.cell_indices(res.labels, res.predicted, t, p)
    st.markdown(f"**{len(idx):,} test images of a true {t} predicted as {p}** (caption: true→predicted, confidence)")
    pick = _gallery(idx, res, x_test, "cell")
    if pick is not None:
        _open_on_draw(pick, res, x_test, "cell")


def mistakes_section(res: TestResult, x_test: np.ndarray, n: int = 12) -> None:
    """The wrong answers the model was surest of."""
    idx = metrics.most_confident_mistakes(res.probs, res.labels, n)
    wrong = len(res.labels) - res.correct
    st.markdown(
        f"The model gets {wrong:,} of {len(res.labels):,} test images wrong; these {len(idx)} it was surest of."
    )
    pick = _gallery(idx, res, x_test, "mistakes")
    if pick is not None:
        _open_on_draw(pick, res, x_test, "mistakes")
