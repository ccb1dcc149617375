"""This session's side of training: where runs train, this learner's runs, start/cancel/score.

A run trains in a plain thread of this process (cnn_core.job_registry), or on the class's Dask
cluster when $CNN_EXPLAINER_DASK_SCHEDULER names one (cnn_core.executor picks, and falls back to this
process when the scheduler is unreachable); either way it is written to the store, and pages read
runs from the store (cnn_core.store.runs), so clicks, page switches, reloads and server restarts
never lose them. How a run is shown: ui.train.progress.
"""

from __future__ import annotations

import uuid

import streamlit as st

from cnn_core import jobs
from cnn_core.executor import DaskExecutor, Trainers
from cnn_core.job_registry import JobRegistry
from cnn_core.settings import dask_scheduler, runs_kept
from cnn_core.store import runs as stored
from cnn_core.store.sync import RunWriter, worker_name
from ui import models, ownership, state
from ui.store import store

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
    """This process's training queue: at most N running at once, each written to the store as it goes.

    Opening it marks the runs this server was training when it last stopped as interrupted.
    """
    writer = RunWriter(store(), worker_name(st.get_option("server.port")))
    return JobRegistry(_train, when_idle=_release_memory, writer=writer)


@st.cache_resource(show_spinner=False)  # connecting to a Dask scheduler waits at most 3 s
def trainers() -> Trainers:
    """Where this process's runs train: the Dask cluster at $CNN_EXPLAINER_DASK_SCHEDULER when it is
    set and answers (within a few seconds), else this process's queue (`registry()`)."""
    address = dask_scheduler()
    if address is None:
        return Trainers(registry())
    from cnn_core.nn.remote import train_run  # names the task; TensorFlow is imported on the worker only

    return Trainers(registry(), DaskExecutor(address, store(), train_run))


NOT_A_RUN = (
    "This address does not name a training run this app made, so it was ignored. "
    "Choose the settings below and start a run of your own."
)
GONE = (
    "The training run in this address is no longer kept: its learner or teacher deleted it, or it was "
    "among a learner's oldest runs. Start a new run below."
)


def find_job() -> tuple[jobs.Job | None, str | None]:
    """The run this page shows, read without side effects: the one in the address (`?job=`), else this
    session's latest. Returns (job, problem) where problem is NOT_A_RUN or GONE when the address
    names no run we can show. Address text is checked with jobs.is_job_id and never shown.
    """
    raw = st.query_params.get("job")
    jid = raw if raw is not None else st.session_state.get(state.JOB_ID)
    if raw is None and jid is None and (latest := own_job()) is not None:
        jid = latest.id  # a reload on another page, then Train: this learner's latest run
    if not jobs.is_job_id(jid):
        return None, (NOT_A_RUN if raw is not None else None)
    job = load(jid)
    return job, (GONE if job is None else None)


def load(run_id: str) -> jobs.Job | None:
    """A run as the store has it (whichever process trains it), its model loadable; None if unknown."""
    registry()  # this process's queue exists (and marked its interrupted runs) before anything is read
    job = stored.load(store(), run_id)
    if job is not None:
        job.loader = models.load_run_model
    return job


def current_job() -> jobs.Job | None:
    """find_job, then bring the session and the address in line with it (once per page run).

    Someone else's run is shown read-only (ui.ownership.can_control).
    """
    job, problem = find_job()
    if problem is not None:
        st.warning(problem, icon=":material/link_off:" if problem == NOT_A_RUN else ":material/restart_alt:")
        if problem == GONE:
            st.session_state.pop(state.JOB_ID, None)
        _forget_address()
    if job is not None:
        if ownership.can_control(job):
            st.session_state[state.JOB_ID] = job.id
            ownership.keep_in_address()
        st.query_params["job"] = job.id  # page switches clear the address; a reload needs it
    return job


def _forget_address() -> None:
    st.query_params.pop("job", None)
    st.query_params.pop(ownership.KEY_PARAM, None)


def own_job() -> jobs.Job | None:
    """This learner's latest run, whatever the page shows."""
    mine = models.runs()
    return mine[max(mine, key=lambda rid: mine[rid].created)] if mine else None


def busy() -> bool:
    """True while this session's latest run is queued or running (one run at a time per learner)."""
    job = own_job()
    return job is not None and job.state not in jobs.TERMINAL


def start(arch, recipe, mnist) -> jobs.Job:
    """Submit a run for this learner (idempotent per click token) and remember it.

    Raises jobs.TooCostly when the server's limits refuse the network or recipe, and
    cnn_core.store.runs.AlreadyTraining when this learner has a run queued or training already.
    """
    ownership.ensure_learner()
    job = own_job()
    token = st.session_state.get(TOKEN)
    if token is None or (job is not None and job.token == token and job.state in jobs.TERMINAL):
        token = st.session_state[TOKEN] = uuid.uuid4().hex
    job = trainers().submit(arch, recipe, mnist, token=token, owner=ownership.owner_key())
    models.forget_runs()
    st.session_state[state.JOB_ID] = job.id
    st.session_state[state.ACTIVE_RUN] = None  # the new run becomes the active model once it finishes
    st.query_params["job"] = job.id
    ownership.keep_in_address()
    return job


def cancel(job: jobs.Job) -> str | None:
    """Stop `job` at its next batch, if this session controls it; returns its state (see cancel_run)."""
    return cancel_run(job.id) if ownership.can_control(job) else None


def cancel_run(run_id: str) -> str | None:
    """Stop a run at its next batch, whoever trains it (the store tells its process); the teacher's
    page calls this directly. Returns the run's state then: a finished run stays as it ended."""
    state_now = stored.request_cancel(store(), run_id)
    trainers().cancel(run_id)  # at once when this process trains it or it waits in Dask's queue
    return state_now


def score(job: jobs.Job, mnist) -> None:
    """Score a stopped run on the test images, if this session controls it, and keep the score."""
    if ownership.can_control(job) and job.has_model and not job.scored:
        from cnn_core.nn.runner import score as score_job

        score_job(job, mnist)
        stored.save_score(store(), job)


def restart(job: jobs.Job, mnist) -> jobs.Job:
    """Start a new run with `job`'s network and recipe (an interrupted run, restarted in one click)."""
    new = start(job.arch, job.recipe, mnist)
    st.query_params["job"] = new.id
    return new


def kept_runs_note() -> None:
    """Before a learner's run limit bites: which run starting another one deletes."""
    mine = [j for j in models.runs().values() if j.state in jobs.TERMINAL]
    room = runs_kept() - 1
    if len(mine) > room:
        oldest = ", ".join(j.label.split(":")[0] for j in mine[: len(mine) - room])
        st.caption(
            f"You keep your {runs_kept()} latest runs. Starting another deletes your oldest: {oldest} "
            "(its curves and model). Download it first from the table below if you want to keep it."
        )
