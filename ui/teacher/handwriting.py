"""The class's own test set: every labelled drawing, and how well models read them (on a button press).

Models are called directly in batches (cnn_core.metrics.predict_in_batches), not through Keras' slow
predict method; the scoring is cnn_core.handwriting. TensorFlow is imported only when the teacher asks for a measurement.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from cnn_core import handwriting, jobs, metrics
from cnn_core.preprocess import add_channel
from ui import models, training
from ui.errors import plain
from ui.evaluate.figures import confusion_figure
from ui.teacher import figures, tables, text

GRID_MAX = 120  # newest drawings shown in the grid (all are measured and exported)
WORST = 8
RESULTS = "teacher_handwriting"  # session_state: {"class", "n", "results": [HandwritingResult]}
SHIPPED_NAME = "Shipped seed model (trained on MNIST)"


def drawings_grid(images: np.ndarray, labels: np.ndarray, meta: list[dict]) -> None:
    """The newest drawings, small, each captioned with who drew it, the digit meant and what was read."""
    newest = list(range(len(labels)))[::-1][:GRID_MAX]
    captions = [
        text.grid_caption(
            plain(meta[i]["nickname"]),
            int(labels[i]),
            meta[i]["predictions"][-1].get("digit") if meta[i]["predictions"] else None,
        )
        for i in newest
    ]
    st.image(figures.thumbnails(images[newest]), caption=captions, width=figures.THUMB_SCALE * 28, output_format="PNG")
    shown = f"the newest {len(newest)} of {len(labels)}" if len(newest) < len(labels) else f"all {len(labels)}"
    st.caption(
        f"Drawings of the class, {shown}, newest first: white digit on black, as the network sees it. "
        "'read' is what the learner's model answered when they sent it."
    )


def measure_section(class_id: int, images: np.ndarray, labels: np.ndarray, meta: list[dict], rows: list[dict]) -> None:
    """Pick runs, press the button: accuracy of each model on the drawings, confusion matrix, worst read."""
    usable = [r for r in rows if r["state"] in jobs.USABLE]
    names = {r["id"]: tables.run_name(r) for r in usable}
    picked = st.multiselect(
        "Also measure these runs of the class",
        list(names),
        format_func=names.get,
        help="The shipped model is always measured; a run is measured with the model it trained.",
    )
    if st.button("Measure on our drawings", type="primary", icon=":material/rule:"):
        with st.spinner(f"Reading {len(labels)} drawings..."):
            st.session_state[RESULTS] = {
                "class": class_id,
                "n": len(labels),
                "results": _measure(images, labels, picked, names),
                "images": images,
                "nicknames": [m["nickname"] for m in meta],
            }
    saved = st.session_state.get(RESULTS)
    if not saved or saved["class"] != class_id:
        st.caption("Press the button to read every drawing with the chosen models.")
        return
    if saved["n"] != len(labels):
        st.caption(f"Measured on {saved['n']} drawings; the class has {len(labels)} now. Press the button again.")
    show_results(saved["results"], saved["images"], saved["nicknames"])


def _measure(images: np.ndarray, labels: np.ndarray, picked: list[str], names: dict) -> list:
    x = add_channel(images)
    out = [handwriting.read_drawings(SHIPPED_NAME, metrics.predict_in_batches(models.shipped_model(), x), labels)]
    for rid in picked:
        job = training.load(rid)
        model = job.model if job is not None else None
        if model is None:
            st.warning(f"{plain(names[rid])} has no trained model to ask (it may have been deleted).")
            continue
        out.append(handwriting.read_drawings(names[rid], metrics.predict_in_batches(model, x), labels))
    return out


def show_results(results: list, images: np.ndarray, nicknames: list[str]) -> None:
    """What the measurement found: the class's sentence, a table per model, one model's closer look."""
    first = results[0]
    st.markdown(text.handwriting_sentence(plain(first.model), first.correct, first.n, first.accuracy))
    tables.show(
        [{"model": r.model, "read right": r.correct, "drawings": r.n, "accuracy": r.accuracy} for r in results],
        ["model", "read right", "drawings", "accuracy"],
    )
    which = st.radio(
        "Look closer at", range(len(results)), format_func=lambda i: plain(results[i].model), horizontal=True
    )
    res = results[which]
    st.plotly_chart(confusion_figure(res.confusion, normalised=False, selected=None), key="class_confusion")
    st.caption(
        f"Confusion matrix of '{plain(res.model)}' on the class's {res.n} drawings: row = the digit meant, column = the "
        f"digit read; the diagonal holds the {res.correct} read right. The colour bar counts drawings."
    )
    worst = handwriting.worst_read(res, WORST)
    if len(worst) == 0:
        return
    st.markdown(
        f"**The {len(worst)} drawings hardest for '{plain(res.model)}'**: the lowest probability for the digit meant"
    )
    st.image(
        figures.thumbnails(images[worst]),
        caption=[
            f"{plain(nicknames[i])}: meant {res.labels[i]}, p = {res.true_probability[i]:.2f}, read {res.predicted[i]}"
            for i in worst
        ],
        width=figures.THUMB_SCALE * 28,
        output_format="PNG",
    )
