"""The training-job side of the app: the server-wide registry, this session's job, the live poller.

Training runs in a plain thread (cnn_core.jobs); the page only reads the job's
state, so clicks, page switches and reloads never interrupt it.
"""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from cnn_core import jobs
from ui import models, ownership, state
from ui import train_charts as charts
from ui.errors import plain

POLL_SECONDS = 1.5  # progress bars and counters
CHART_SECONDS = 5.0  # curves: plotly figures cost ~0.1 s of Python each, time the training thread waits for
TOKEN = "train_start_token"  # client token: a double click submits the same token, so one job


@st.cache_resource(show_spinner=False)
def registry() -> jobs.JobRegistry:
    """One registry per server process: every session's jobs, at most N running at once."""
    return jobs.JobRegistry()


NOT_A_RUN = (
    "This address does not name a training run this app made, so it was ignored. "
    "Choose the settings below and start a run of your own."
)
GONE = (
    "The training run in this address is no longer on the server: the server was restarted since it "
    "started, or it finished long ago and nobody kept it open. Start a new run below."
)


def current_job() -> jobs.Job | None:
    """The run this page shows: the one in the address (`?job=`), else this session's latest.

    Only a run this session controls (ui.ownership.can_control) joins this session's runs; someone
    else's run is shown read-only. Address text is checked with jobs.is_job_id and never shown.
    """
    raw = st.query_params.get("job")
    jid = raw if raw is not None else st.session_state.get(state.JOB_ID)
    if not jobs.is_job_id(jid):
        if raw is not None:
            st.warning(NOT_A_RUN, icon=":material/link_off:")
            _forget_address()
        return None
    job = registry().get(jid)
    if job is None:
        st.warning(GONE, icon=":material/restart_alt:")
        st.session_state.pop(state.JOB_ID, None)
        _forget_address()
        return None
    if ownership.can_control(job):
        adopt(job)
    st.query_params["job"] = job.id  # page switches clear the address; a reload needs it
    return job


def _forget_address() -> None:
    st.query_params.pop("job", None)
    st.query_params.pop(ownership.KEY_PARAM, None)


def adopt(job: jobs.Job) -> None:
    """Make `job` this session's current run, with every other run of this owner still on the server
    (after a reload they come back too). Only for runs this session controls."""
    if not ownership.can_control(job):
        return
    for j in registry().jobs_of(ownership.owner_key()):
        models.runs().setdefault(j.id, j)
    st.session_state[state.JOB_ID] = job.id
    ownership.keep_in_address()


def own_job() -> jobs.Job | None:
    """This session's latest run, whatever the page shows."""
    return models.runs().get(st.session_state.get(state.JOB_ID))


def busy() -> bool:
    """True while this session's latest run is queued or running (one run at a time per learner)."""
    job = own_job()
    return job is not None and job.state not in jobs.TERMINAL


def start(arch, recipe, mnist) -> jobs.Job:
    """Submit a job for this session (idempotent per click token) and remember it.

    Raises jobs.TooCostly when the server's limits refuse the network or recipe.
    """
    job = own_job()
    token = st.session_state.get(TOKEN)
    if token is None or (job is not None and job.token == token and job.state in jobs.TERMINAL):
        token = st.session_state[TOKEN] = uuid.uuid4().hex
    job = registry().submit(arch, recipe, mnist, token=token, owner=ownership.owner_key())
    models.runs()[job.id] = job
    st.session_state[state.JOB_ID] = job.id
    st.session_state[state.ACTIVE_RUN] = None  # the new run becomes the active model once it finishes
    st.query_params["job"] = job.id
    ownership.keep_in_address()
    return job


def cancel(job: jobs.Job) -> None:
    """Stop `job` at its next batch, if this session controls it."""
    if ownership.can_control(job):
        registry().cancel(job.id)


def score(job: jobs.Job, mnist) -> None:
    """Score a stopped run on the 10,000 test images, if this session controls it."""
    if ownership.can_control(job) and job.has_model and not job.scored:
        from cnn_core.jobs_keras import score as score_job

        score_job(job, mnist)


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
        pos = registry().queue_position(job.id)
        st.info(
            f"Waiting in the queue: position {pos}. This server trains at most "
            f"{registry().max_jobs} network(s) at once (set {jobs.MAX_JOBS_ENV} to change it)."
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
    """Re-drawn every POLL_SECONDS while the job is queued or running; a full rerun once it ends."""
    job = registry().get(job_id)
    if job is None:
        return
    if job.state in jobs.TERMINAL:
        st.rerun()  # the whole page redraws once: runs table, kernels, answers
    with st.status(f"{job.label}: {job.state}", expanded=True, state="running"):
        show_numbers(job)


@st.fragment(run_every=CHART_SECONDS)
def live_charts(job_id: str) -> None:
    """The growing curves, redrawn every CHART_SECONDS: each redraw holds the GIL the trainer needs."""
    job = registry().get(job_id)
    if job is not None and job.state == jobs.RUNNING and job.steps_per_epoch:
        show_charts(job)


def show_outcome(job: jobs.Job) -> None:
    """How the last job ended, in words."""
    if job.state == jobs.DONE:
        st.success(
            f"{job.label} finished in {_fmt_s(job.elapsed())}: test accuracy {job.test_accuracy:.4f} "
            f"on the 10,000 test images."
        )
        st.caption("Time spent: " + ", ".join(f"{k} {v:.1f} s" for k, v in job.phase_seconds.items()))
    elif job.state == jobs.CANCELLED:
        st.warning(plain(job.message))
        if job.scored:
            st.info(f"Scored when you asked: test accuracy {job.test_accuracy:.4f} on the 10,000 test images.")
        elif job.has_model and ownership.can_control(job):
            score_button(job)
    elif job.state == jobs.NAN:
        st.error(plain(job.message), icon=":material/warning:")
    elif job.state == jobs.FAILED:
        st.error(plain(job.message) + " The app still works: change a setting and start again.")
    if job.progress()["done"]:
        show_progress(job)


@st.cache_data(show_spinner=False, max_entries=3, ttl=600)  # .keras files can be large: few, briefly
def _keras_bytes(job_id: str) -> bytes:
    from cnn_core.jobs_keras import model_bytes

    return model_bytes(registry().get(job_id).model)


def score_button(job: jobs.Job) -> None:
    """A cancelled run is scored only when its learner asks."""
    if st.button("Score it on the 10,000 test images", icon=":material/fact_check:", key=f"score-{job.id}"):
        from ui.resources import mnist_with_progress_bar

        mnist = mnist_with_progress_bar()
        if mnist is not None:
            with st.spinner("Scoring the 10,000 test images..."):
                score(job, mnist)
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
