"""This session's side of training: the server-wide registry, this session's runs, start/cancel/score.

Training runs in a plain thread (cnn_core.job_registry); the page only reads the job's state, so
clicks, page switches and reloads never interrupt it. How a run is shown: ui.train.progress.
"""

from __future__ import annotations

import uuid

import streamlit as st

from cnn_core import jobs
from cnn_core.job_registry import JobRegistry
from ui import models, ownership, state

TOKEN = "train_start_token"  # client token: a double click submits the same token, so one job


def _train(job: jobs.Job, mnist, callbacks=()) -> None:
    """Train in the registry's worker thread: TensorFlow is imported there, never by the page script."""
    from cnn_core.nn.runner import train

    train(job, mnist, callbacks)


def _release_memory() -> None:
    from cnn_core.nn.runner import release_memory

    release_memory()


@st.cache_resource(show_spinner=False)
def registry() -> JobRegistry:
    """One registry per server process: every session's jobs, at most N running at once."""
    return JobRegistry(_train, when_idle=_release_memory)


NOT_A_RUN = (
    "This address does not name a training run this app made, so it was ignored. "
    "Choose the settings below and start a run of your own."
)
GONE = (
    "The training run in this address is no longer on the server: the server was restarted since it "
    "started, or it finished long ago and nobody kept it open. Start a new run below."
)


def find_job() -> tuple[jobs.Job | None, str | None]:
    """The run this page shows, read without side effects: the one in the address (`?job=`), else this
    session's latest. Returns (job, problem) where problem is NOT_A_RUN or GONE when the address
    names no run we can show. Address text is checked with jobs.is_job_id and never shown.
    """
    raw = st.query_params.get("job")
    jid = raw if raw is not None else st.session_state.get(state.JOB_ID)
    if not jobs.is_job_id(jid):
        return None, (NOT_A_RUN if raw is not None else None)
    job = registry().get(jid)
    return job, (GONE if job is None else None)


def current_job() -> jobs.Job | None:
    """find_job, then bring the session and the address in line with it (once per page run).

    Only a run this session controls (ui.ownership.can_control) joins this session's runs; someone
    else's run is shown read-only.
    """
    job, problem = find_job()
    if problem is not None:
        st.warning(problem, icon=":material/link_off:" if problem == NOT_A_RUN else ":material/restart_alt:")
        if problem == GONE:
            st.session_state.pop(state.JOB_ID, None)
        _forget_address()
    if job is not None:
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
    """Score a stopped run on the test images, if this session controls it."""
    if ownership.can_control(job) and job.has_model and not job.scored:
        from cnn_core.nn.runner import score as score_job

        score_job(job, mnist)
