"""Sections of the Teacher page: the join link and QR code, curve overlays, the class's drawings,
exports, closing the class and deleting one learner's data."""

from __future__ import annotations

import time

import streamlit as st

from cnn_core import jobs
from cnn_core.store import drawings, learners, views
from cnn_core.store.tables import ClassRoom
from ui import training
from ui.errors import plain
from ui.store import store
from ui.teacher import figures, handwriting, tables
from ui.train.figures import curves_key, epoch_curves

FALLBACK_HOST = "http://localhost"
ACTIVE = (jobs.QUEUED, jobs.RUNNING)
DONE_NOTE = "teacher_done_note"  # session_state: a sentence about the last close/delete, shown once


def app_address() -> str:
    """The app's address as the teacher's browser sees it (st.context.url without this page's path);
    http://localhost:<port> when the browser has not said (a test, a bare script run)."""
    url = st.context.url
    if not url:
        base = st.get_option("server.baseUrlPath").strip("/")
        return f"{FALLBACK_HOST}:{st.get_option('server.port')}" + (f"/{base}" if base else "")
    url = url.split("?")[0].split("#")[0].rstrip("/")
    try:  # st.context.url ends with the current page's path; the join link opens the app itself
        from streamlit.runtime.context_util import maybe_trim_page_path
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return maybe_trim_page_path(url, get_script_run_ctx().pages_manager).rstrip("/")
    except (ImportError, AttributeError):
        return url.removesuffix("/teacher")


def join_link(code: str) -> str:
    return f"{app_address()}/?class={code}"


def join_panel(room: ClassRoom) -> None:
    """The class code in big letters, the join link and its QR code, for the projector."""
    link = join_link(room.code)
    left, right = st.columns([3, 2])
    with left:
        state = "closed: nobody can join it any more" if room.closed is not None else "open"
        st.markdown(f"Class **{plain(room.name)}** ({state}). Its code:")
        st.title(room.code, anchor=False)  # the code alphabet has no Markdown characters
        st.markdown("Learners open this link (or scan the QR code), then pick a nickname:")
        st.code(link, language=None)
    with right:
        st.image(
            figures.qr_png(link),
            caption=f"QR code of the join link {plain(link)}",
            width=260,
        )


def leaderboard_switch(room: ClassRoom) -> None:
    """Show or hide the leaderboard on the learners' Train pages (kept in the store)."""
    show = st.toggle(
        "Show the leaderboard on learners' Train pages",
        value=room.show_leaderboard,
        key=f"teacher_board_{room.id}",
    )
    if show != room.show_leaderboard:
        learners.set_leaderboard(store(), room.id, show)


ROWS = "teacher_rows"  # session_state: {"class", "at", "rows"}: the class's runs as last read
ROWS_FRESH_SECONDS = 1.0  # one page run needs them twice (the live tables, the pickers): one read


def class_runs(class_id: int) -> list[dict]:
    """views.class_runs of the class, read at most once a second per session."""
    cached = st.session_state.get(ROWS)
    if cached and cached["class"] == class_id and time.monotonic() - cached["at"] < ROWS_FRESH_SECONDS:
        return cached["rows"]
    rows = views.class_runs(store(), class_id)
    st.session_state[ROWS] = {"class": class_id, "at": time.monotonic(), "rows": rows}
    return rows


def curves_section(rows: list[dict]) -> None:
    """Overlay the per-epoch curves of any runs of the class."""
    with_history = [r for r in rows if r["val accuracy"] is not None]
    if not with_history:
        st.caption("The curves of finished runs can be overlaid here once a run has finished an epoch.")
        return
    names = {r["id"]: tables.run_name(r) for r in with_history}
    picked = st.multiselect("Runs to compare", list(names), format_func=names.get, max_selections=6)
    loaded = [(j, names[rid]) for rid in picked if (j := training.load(rid)) is not None and j.history]
    if loaded:
        st.plotly_chart(epoch_curves([j for j, _ in loaded], [n for _, n in loaded]), key="teacher_overlay")
        st.caption(curves_key(len(loaded)))


def class_drawings(room: ClassRoom) -> tuple:
    """(images (n, 28, 28), labels (n,), meta) of every drawing of the class, oldest first."""
    return drawings.of_class(store(), room.id)


def class_test_set(room: ClassRoom, rows: list[dict], drawn: tuple) -> None:
    """Every drawing of the class with its label, and how well models read them."""
    images, labels, meta = drawn
    if not len(labels):
        st.info("No drawings yet: learners send labelled drawings from the Draw page.")
        return
    handwriting.drawings_grid(images, labels, meta)
    handwriting.measure_section(room.id, images, labels, meta, rows)


def exports(room: ClassRoom, rows: list[dict], n_drawings: int) -> None:
    """Download the runs (CSV) and the drawings (NumPy .npz, like MNIST: x uint8 (n, 28, 28), y).

    The files are made when the button is pressed (Streamlit's deferred download), from the store
    as it is then, so an ordinary page run pays nothing for them.
    """
    db, cid = store(), room.id
    c1, c2 = st.columns(2)
    c1.download_button(
        f"Runs as CSV ({len(rows)})",
        lambda: views.runs_csv(views.class_runs(db, cid)),
        file_name=f"class-{room.code}-runs.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
    )
    c2.download_button(
        f"Drawings as .npz ({n_drawings})",
        lambda: drawings.export_npz(*drawings.of_class(db, cid)),
        file_name=f"class-{room.code}-drawings.npz",
        mime="application/octet-stream",
        icon=":material/download:",
        on_click="ignore",
    )


def close_section(room: ClassRoom) -> None:
    if room.closed is not None:
        st.caption(f"This class was closed at {time.strftime('%H:%M on %d %B %Y', time.localtime(room.closed))}.")
        return
    sure = st.checkbox(f"Yes, close class {room.code}: nobody can join it any more (all it kept stays here)")
    if st.button("Close the class", disabled=not sure, icon=":material/door_front:"):
        learners.close_class(store(), room.id)
        st.session_state[DONE_NOTE] = f"Class {room.code} is closed."
        st.rerun()


def delete_section(room: ClassRoom) -> None:
    people = {m.id: m.nickname for m in learners.members(store(), room.id)}
    if not people:
        st.caption("Nobody to delete: no learner has joined this class.")
        return
    who = st.selectbox("Learner", list(people), format_func=people.get, index=None, placeholder="Choose a nickname")
    sure = st.checkbox(
        "Yes, delete every run, model and drawing of this learner (it cannot be undone)",
        disabled=who is None,
        key=f"teacher_delete_sure_{who}",  # a new choice of learner starts unticked
    )
    if st.button("Delete the learner's data", disabled=who is None or not sure, icon=":material/delete:"):
        active = [
            r["id"] for r in views.class_runs(store(), room.id) if r["learner_id"] == who and r["state"] in ACTIVE
        ]
        if active:  # a run deleted while it trains would still try to write its progress: stop it first
            for rid in active:
                training.cancel_run(rid)
            st.warning(
                f"{plain(people[who])} has a run queued or training: it was asked to stop. "
                "Press Delete again in a few seconds, once it has stopped.",
                icon=":material/hourglass_top:",
            )
            return
        learners.delete_learner(store(), who)
        st.session_state.pop(ROWS, None)  # their runs leave the tables now, not a second later
        st.session_state[DONE_NOTE] = f"Deleted {plain(people[who])} with all their runs and drawings."
        st.rerun()


def done_note() -> None:
    """The sentence about the last close or delete, once."""
    note = st.session_state.pop(DONE_NOTE, None)
    if note:
        st.success(note, icon=":material/check:")
