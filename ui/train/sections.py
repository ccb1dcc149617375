"""The Train page's results: the runs table with overlays and the active model, and the learned kernels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import jobs
from cnn_core.formulas import layer_table
from ui import models, state
from ui.train import figures as charts
from ui.train.progress import download_button

KERNEL_DEFAULT = 31  # the article asks about the 31st kernel of layer 1 (Q35); numbered from 1 here
ARTICLE_NUMBERING = (
    'Kernels and maps are numbered from 1 on every page, as people count, so the article\'s "31st kernel" '
    "is kernel #31 here (Keras, counting from 0, stores it at index 30)."
)


def constants_text(recipe) -> str:
    """The optimizer's own constants as the run used them, e.g. 'momentum=0.9' (empty when it takes none)."""
    return ", ".join(f"{name}={value:g}" for name, value in recipe.optimizer_constants().items())


def runs_frame(runs: dict) -> pd.DataFrame:
    """The runs table: hyper-parameters, time, final train/validation/test numbers."""
    rows = []
    for rid, j in runs.items():
        last = j.history[-1] if j.history else {}
        r = j.recipe
        rows.append(
            {
                "run": j.label.split(":")[0],
                "state": j.state,
                "weights": layer_table(j.arch).total_params,
                "optimizer": r.optimizer,
                "learning rate": r.learning_rate,
                "optimizer constants": constants_text(r),
                "loss": r.loss,
                "batch": r.batch_size,
                "images": r.train_size,
                "epochs": len(j.history),
                "seconds": round(j.elapsed(), 1),
                "precision": j.precision or "-",
                "train acc": last.get("accuracy"),
                "val acc": last.get("val_accuracy"),
                "train loss": last.get("loss"),
                "val loss": last.get("val_loss"),
                "test acc": j.test_accuracy,
                "id": rid,
            }
        )
    return pd.DataFrame(rows)


def runs_section() -> None:
    """Runs table, curves of the selected runs overlaid, the active model, .keras downloads."""
    runs = models.runs()
    if not runs:
        st.info("No runs yet in this session: the shipped seed model answers on Evaluate and Draw until you train one.")
        return
    frame = runs_frame(runs)
    st.dataframe(frame.drop(columns="id"), hide_index=True)
    finished = [rid for rid, j in runs.items() if j.history]
    picked = st.multiselect(
        "Overlay the curves of these runs",
        finished,
        default=finished[-3:],
        format_func=lambda rid: runs[rid].label,
        help="Compare optimizers, batch sizes or learning rates on one chart.",
    )
    if picked:
        st.plotly_chart(charts.epoch_curves([runs[r] for r in picked]), key="overlay")
        st.caption(charts.curves_key(len(picked)))
    choices = models.model_choices()
    current = models.active_model_id()
    active = st.selectbox(
        "Active model (used by Evaluate and Draw)",
        list(choices),
        index=list(choices).index(current),
        format_func=choices.get,
    )
    if active != current:  # only an explicit choice pins the active model; else the latest run is used
        st.session_state[state.ACTIVE_RUN] = active
    usable = [j for j in runs.values() if j.has_model]
    for col, job in zip(st.columns(max(1, min(4, len(usable)))), usable, strict=False):
        with col:
            download_button(job)


def kernels_section(job: jobs.Job) -> None:
    """Q35: the learned first-layer kernels, one shared colour scale, an epoch slider, one kernel's weights."""
    if not job.kernels:
        st.info("The kernels appear here once a run has started.")
        return
    n_snap = len(job.kernels)
    snap = n_snap - 1
    if n_snap > 1:
        snap = st.slider(
            "Epoch (0 = the random start)", 0, n_snap - 1, n_snap - 1, help="Kernels are recorded after every epoch."
        )
    n = job.kernels[0].shape[-1]
    k = job.kernels[0].shape[0]
    pick = st.number_input("Kernel number", 1, n, min(KERNEL_DEFAULT, n), help="Numbered from 1 to the filter count.")
    st.plotly_chart(charts.kernel_grid(job, snap, pick - 1), key="kernel-grid")
    st.caption(
        f"All {n} kernels of the first convolution ({k}x{k}) after epoch {snap}, on one colour scale from "
        f"-{job.kernel_limit():.2f} (blue) through 0 (white) to +{job.kernel_limit():.2f} (red). " + ARTICLE_NUMBERING
    )
    left, right = st.columns([1, 1])
    weights = job.kernel(snap, pick - 1)
    left.plotly_chart(
        charts.kernel_detail(weights, job.kernel_limit(), f"Kernel #{pick} after epoch {snap}"), key="kernel-one"
    )
    with right:
        cells = range(1, weights.shape[0] + 1)  # rows and columns numbered from 1, as on the heatmap
        frame = pd.DataFrame(weights, index=list(cells), columns=[str(c) for c in range(1, weights.shape[1] + 1)])
        st.dataframe(frame.style.format("{:+.4f}"), hide_index=False)
        st.caption(
            f"The {weights.size} weights of kernel #{pick} (rows 1 to {k} top to bottom). Each output pixel of this feature "
            f"map is the sum of these weights times the {k}x{k} patch under them, plus a bias."
        )
