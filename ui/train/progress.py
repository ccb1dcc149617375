"""How a training run is shown: progress bars and counters, live curves, the outcome, downloads.

The live parts are fragments that poll the job's record (cheap numbers often, costly curves
rarely); the page never waits on training.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core import jobs, settings
from cnn_core.data import N_TEST
from ui import ownership
from ui.errors import friendly_errors, plain
from ui.train import figures as charts
from ui.training import load, registry, restart, score, trainers

POLL_SECONDS = 1.5  # progress bars and counters
CHART_SECONDS = 5.0  # curves: plotly figures cost ~0.1 s of Python each, time the training thread waits for


def _fmt_s(s: float | None) -> str:
    if s is None:
        return "-"
    return f"{s:.0f} s" if s < 120 else f"{s // 60:.0f} min {s % 60:02.0f} s"


def history_frame(job: jobs.Job) -> pd.DataFrame:
    """The History: one row per epoch (partial epochs marked)."""
    rows = [
        {
            "epoch": h["epoch"],
            "train loss": h.get("loss"),
            "train accuracy": h.get("accuracy"),
            "val loss": h.get("val_loss"),
            "val accuracy": h.get("val_accuracy"),
            "note": "cancelled mid-epoch" if h.get("partial") else "",
        }
        for h in job.history
    ]
    return pd.DataFrame(rows)


def show_numbers(job: jobs.Job) -> None:
    """Queue position, or the two progress bars and the counters (cheap: redrawn every poll)."""
    p = job.progress()
    if job.state == jobs.QUEUED:
        pos = trainers().queue_position(job.id)
        if pos is None and trainers().dask is not None:
            st.info("Waiting for a free machine of the class's Dask cluster: it starts when one is free.")
            return
        where = f"position {pos}" if pos else "waiting for a free trainer"
        st.info(
            f"Waiting in the queue: {where}. This server trains at most "
            f"{registry().max_jobs} network(s) at once (set {settings.MAX_JOBS_ENV} to change it)."
        )
        return
    if job.state == jobs.RUNNING:
        st.caption(f"Now: {job.phase}...")
    st.progress(p["run_fraction"], text=f"Whole run: {p['done']:,} / {p['total']:,} batches")
    st.progress(
        p["epoch_fraction"],
        text=f"Epoch {p['epoch']} of {job.recipe.epochs}: batch {p['batch']:,} / {job.steps_per_epoch:,}",
    )
    c = st.columns(4)
    c[0].metric("Batches done", f"{p['done']:,} / {p['total']:,}")
    c[1].metric("Examples per second", f"{p['examples_per_s']:,.0f}")
    c[2].metric("Elapsed", _fmt_s(p["elapsed"]))
    c[3].metric("Time left (estimate)", _fmt_s(p["eta"]) if job.state == jobs.RUNNING else "-")


def executor_line() -> None:
    """Where runs train, in one line, when a Dask cluster is configured (nothing for the local default)."""
    where = trainers().where()
    if where.executor == "dask":
        st.caption(f"Runs train on the class's Dask cluster ({where.workers} worker(s)), not on this app server.")
    elif where.fallback:
        why = "has no workers right now" if where.workers == 0 and trainers().dask.reachable else "is not reachable"
        st.warning(
            f"The class's training cluster (Dask scheduler) {why}: runs train here on the app server, "
            f"at most {registry().max_jobs} at once.",
            icon=":material/cloud_off:",
        )


def show_charts(job: jobs.Job) -> None:
    """Per-batch and per-epoch curves (the costly part: redrawn less often while training)."""
    left, right = st.columns(2)
    left.plotly_chart(charts.batch_curves(job.batch_series()), key=f"batch-{job.id}")
    if job.history:
        right.plotly_chart(charts.epoch_curves([job]), key=f"epoch-{job.id}")
    else:
        right.info("The per-epoch curves (training vs validation loss and accuracy) start when the first epoch ends.")


def show_progress(job: jobs.Job) -> None:
    """Numbers, curves and the History table of a job, drawn once."""
    show_numbers(job)
    if job.state != jobs.QUEUED:
        show_charts(job)
    if job.history:
        st.caption("The History: the numbers Keras records at the end of every epoch.")
        st.dataframe(history_frame(job), hide_index=True)


@st.fragment(run_every=POLL_SECONDS)
def live_progress(job_id: str) -> None:
    """Re-drawn every POLL_SECONDS while the job is queued or running; a full rerun once it ends.
    A database that stops answering meanwhile shows 'Reconnecting' here until it is back."""
    with friendly_errors("the run's progress"):
        job = load(job_id)
        if job is None:
            return
        if job.state in jobs.TERMINAL:
            st.rerun()  # the whole page redraws once: runs table, kernels, answers
        with st.status(f"{job.label}: {job.state}", expanded=True, state="running"):
            show_numbers(job)


@st.fragment(run_every=CHART_SECONDS)
def live_charts(job_id: str) -> None:
    """The growing curves, redrawn every CHART_SECONDS: each redraw holds the GIL the trainer needs."""
    with friendly_errors("the run's curves"):
        job = load(job_id)
        if job is not None and job.state == jobs.RUNNING and job.steps_per_epoch:
            show_charts(job)


def show_outcome(job: jobs.Job) -> None:
    """How the last job ended, in words."""
    if job.state == jobs.DONE:
        st.success(
            f"{job.label} finished in {_fmt_s(job.elapsed())}: test accuracy {job.test_accuracy:.4f} "
            f"on the {N_TEST:,} test images."
        )
        st.caption("Time spent: " + ", ".join(f"{k} {v:.1f} s" for k, v in job.phase_seconds.items()))
    elif job.state == jobs.CANCELLED:
        st.warning(plain(job.message))
        if job.scored:
            st.info(f"Scored when you asked: test accuracy {job.test_accuracy:.4f} on the {N_TEST:,} test images.")
        elif job.has_model and ownership.can_control(job):
            score_button(job)
    elif job.state == jobs.NAN:
        st.error(plain(job.message), icon=":material/warning:")
    elif job.state == jobs.FAILED:
        st.error(plain(job.message) + " The app still works: change a setting and start again.")
    elif job.state == jobs.INTERRUPTED:
        st.warning(plain(job.message), icon=":material/restart_alt:")
        if ownership.can_control(job):
            restart_button(job)
    if job.progress()["done"]:
        show_progress(job)


@st.cache_data(show_spinner=False, max_entries=3, ttl=600)  # .keras files can be large: few, briefly
def _keras_bytes(job_id: str) -> bytes:
    from cnn_core.nn.runner import model_bytes

    return model_bytes(load(job_id).model)


def score_button(job: jobs.Job) -> None:
    """A cancelled run is scored only when its learner asks."""
    if st.button(f"Score it on the {N_TEST:,} test images", icon=":material/fact_check:", key=f"score-{job.id}"):
        from ui.resources import mnist_with_progress_bar

        mnist = mnist_with_progress_bar()
        if mnist is not None:
            with st.spinner(f"Scoring the {N_TEST:,} test images..."):
                score(job, mnist)
            st.rerun()


def restart_button(job: jobs.Job) -> None:
    """An interrupted run starts again with the same network and recipe, in one click."""
    if st.button("Restart it", icon=":material/replay:", key=f"restart-{job.id}", type="primary"):
        from ui.resources import mnist_with_progress_bar

        mnist = mnist_with_progress_bar()
        if mnist is not None:
            restart(job, mnist)
            st.rerun()


def read_only_note(job: jobs.Job) -> None:
    """Said above a run this session did not start (ui.ownership)."""
    st.info(
        "You are looking at someone else's training run. You can follow its progress here, but only the "
        "learner who started it can cancel it or use its model. Start a run of your own below.",
        icon=":material/visibility:",
    )


def download_button(job: jobs.Job) -> None:
    st.download_button(
        f"Download {job.label.split(':')[0]} (.keras)",
        data=lambda: _keras_bytes(job.id),
        file_name=f"mnist-cnn-{job.id}.keras",
        mime="application/octet-stream",
        key=f"dl-{job.id}",
        on_click="ignore",
    )
