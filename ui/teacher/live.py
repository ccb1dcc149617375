"""The live part of the Teacher page: learners, runs, leaderboard and the server's queue, refreshed
by themselves (a fragment re-reads the store every few seconds; nothing waits on training)."""

from __future__ import annotations

import os

import streamlit as st

from cnn_core.store import settings_table, views
from cnn_core.store.db import StoreError
from ui import training
from ui.errors import friendly_errors
from ui.store import store
from ui.teacher import leaderboard, sections, tables, text

REFRESH_SECONDS = 3.0
CANCEL_PICK = "teacher_cancel_pick"  # session_state: the run chosen for cancelling
CANCEL_NOTE = "teacher_cancel_note"  # session_state: (kind, sentence) of the last cancel
MAX_JOBS_BOX = "teacher_max_jobs"


@st.fragment(run_every=REFRESH_SECONDS)
def live_class(class_id: int) -> None:
    """Everything about the class that changes while learners work."""
    with friendly_errors("the class's live tables"):
        class_tables(class_id)
        st.subheader("Training queue of this server")
        queue_section()
        st.caption(text.REFRESH_NOTE.format(s=REFRESH_SECONDS))


def class_tables(class_id: int) -> list[dict]:
    """Learners, every run, the leaderboard; returns the runs (views.class_runs rows)."""
    rows = sections.class_runs(class_id)
    people = views.learners_table(store(), class_id)
    st.subheader(f"Learners ({len(people)})")
    if people:
        tables.show(tables.learners_rows(people), ["nickname", "runs", "drawings", "joined"])
    else:
        st.info("Nobody has joined yet: share the join link or the QR code above.")
    st.subheader(f"Runs ({len(rows)})")
    if rows:
        tables.show(rows, tables.RUN_SHOWN, height=min(600, 38 + 35 * len(rows)))
    else:
        st.caption("No runs yet. Each run a learner starts appears here with its progress.")
    st.subheader("Leaderboard")
    leaderboard.teacher_leaderboard(rows)
    return rows


def queue_section() -> None:
    """Every queued or running run on this server, whatever its class; cancel one; runs at once."""
    queue = views.queue(store())
    if queue:
        tables.show(queue, ["class", *tables.RUN_SHOWN[:4], *tables.SETTINGS[1:]])
    else:
        st.caption("Nothing is training or waiting on this server.")
    names = {r["id"]: f"{r['class']} · {tables.run_name(r)} ({r['state']})" for r in queue}
    options = list(names)
    chosen = st.session_state.get(CANCEL_PICK)
    if chosen is not None and chosen not in names:  # it left the queue meanwhile: still nameable
        options.append(chosen)
    c1, c2, c3 = st.columns([3, 1, 2], vertical_alignment="bottom")
    pick = c1.selectbox(
        "Run to cancel",
        options,
        index=None,
        key=CANCEL_PICK,
        format_func=lambda rid: names.get(rid, f"run {rid} (no longer in the queue)"),
        placeholder="Choose a queued or running run",
        on_change=lambda: st.session_state.pop(CANCEL_NOTE, None),
    )
    c2.button("Cancel it", on_click=_cancel, args=(pick,), disabled=pick is None, icon=":material/stop:")
    now = int(settings_table.get(store(), settings_table.MAX_JOBS) or training.registry().max_jobs)
    c3.number_input(
        "Runs that train at once",
        min_value=1,
        max_value=max(now, os.cpu_count() or 1),  # $CNN_EXPLAINER_MAX_JOBS may have set more
        value=now,
        key=MAX_JOBS_BOX,
        on_change=_set_max_jobs,
        help="On this server; at most one per processor core. More at once means each one trains slower.",
    )
    note = st.session_state.get(CANCEL_NOTE)
    if note:
        getattr(st, note[0])(note[1])


def _cancel(run_id: str | None) -> None:
    """Button callback: cancel `run_id` whoever trains it, and say what happened."""
    if run_id is None:
        return
    try:
        st.session_state[CANCEL_NOTE] = text.cancel_note(training.cancel_run(run_id))
    except StoreError as e:
        st.session_state[CANCEL_NOTE] = ("error", str(e))
    st.session_state[CANCEL_PICK] = None


def _set_max_jobs() -> None:
    n = int(st.session_state[MAX_JOBS_BOX])
    try:
        settings_table.put(store(), settings_table.MAX_JOBS, n)
    except StoreError as e:
        st.session_state[CANCEL_NOTE] = ("error", str(e))
        return
    training.registry().set_max_jobs(n)
