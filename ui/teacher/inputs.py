"""The Teacher page's inputs: open a new class, pick the class to show."""

from __future__ import annotations

import streamlit as st

from cnn_core.store import learners
from cnn_core.store.tables import ClassRoom
from ui.store import store

CLASS = "teacher_class_id"  # session_state: the id of the class the page shows


def new_class_form(first: bool) -> bool:
    """A form that opens a class (name optional) and selects it; True when it just opened one."""
    with st.expander("Open a new class", expanded=first, icon=":material/group_add:"):
        with st.form("new_class", clear_on_submit=True):
            name = st.text_input(
                "Class name (optional)",
                max_chars=learners.CLASS_NAME_MAX,
                placeholder="e.g. 5B Tuesday, or leave empty for today's date",
            )
            if st.form_submit_button("Create the class", type="primary"):
                room = learners.create_class(store(), name)
                st.session_state[CLASS] = room.id
                return True
    return False


def _label(room: ClassRoom) -> str:
    closed = " (closed)" if room.closed is not None else ""
    return f"{room.code} · {room.name}{closed}"  # selectbox options are plain text, never Markdown


def class_picker() -> ClassRoom | None:
    """The class to show, chosen among every class, newest first (closed ones marked); None when none."""
    rooms = learners.classes(store())
    if new_class_form(first=not rooms):
        rooms = learners.classes(store())
    if not rooms:
        return None
    by_id = {r.id: r for r in rooms}
    if st.session_state.get(CLASS) not in by_id:
        st.session_state[CLASS] = rooms[0].id
    picked = st.selectbox("Class", list(by_id), key=CLASS, format_func=lambda i: _label(by_id[i]))
    return by_id[picked]
