"""The Teacher page's lesson links: save named links to a page and its settings for the class, push one
to every learner (their sidebar offers to open it: nobody is moved mid-drawing), stop, delete."""

from __future__ import annotations

import streamlit as st

from cnn_core import lesson_links
from cnn_core.store import lessons
from cnn_core.store.db import StoreError
from cnn_core.store.tables import ClassRoom, Lesson
from ui.errors import plain
from ui.store import store
from ui.teacher.sections import app_address

HOW = (
    "Send the whole class to the same view. On any page, open **Copy link to this view** (you may fix some "
    "settings there, e.g. the kernel and the stride), paste the link below and name it. **Push** it and every "
    "learner's sidebar offers to open it within a few seconds; nobody is moved away from what they are doing. "
    "A link never carries anyone's identity, yours included."
)


def _save_form(room: ClassRoom) -> None:
    with st.form(f"lesson_new_{room.id}", clear_on_submit=True):
        name = st.text_input("Lesson name", max_chars=lessons.NAME_MAX, placeholder="e.g. Edges with stride 2")
        link = st.text_input(
            "Lesson link",
            max_chars=lesson_links.MAX_ADDRESS + 200,
            placeholder=f"{app_address()}/kernels?kernel=sobel-x&stride=2&lock=kernel,stride",
        )
        if not st.form_submit_button("Save the lesson", icon=":material/bookmark_add:"):
            return
    try:
        saved = lessons.save(store(), room.id, name, link)
    except (lessons.LessonError, StoreError) as e:
        st.error(plain(e), icon=":material/link_off:")
        return
    st.success(f"Saved **{plain(saved.lesson.name)}**.", icon=":material/bookmark_added:")
    for note in saved.notes:  # settings of the pasted link that could not be used (quoted from it)
        st.warning(plain(note), icon=":material/link_off:")


def _lesson_row(lesson: Lesson, offered: bool) -> None:
    with st.container(border=True):
        text, push, delete = st.columns([5, 1, 1], vertical_alignment="center")
        state = " · offered to the class now" if offered else ""
        text.markdown(f"**{plain(lesson.name)}**{state}")
        text.code(f"{app_address()}/{lesson.link}", language=None, wrap_lines=True)
        if push.button("Push again" if offered else "Push", key=f"lesson_push_{lesson.id}", icon=":material/send:"):
            _do(lessons.push, lesson.id)
        if delete.button("Delete", key=f"lesson_delete_{lesson.id}", icon=":material/delete:"):
            _do(lessons.delete, lesson.id)


def _do(action, *args) -> None:
    try:
        action(store(), *args)
    except StoreError as e:
        st.error(plain(e), icon=":material/error:")
        return
    st.rerun()


def lesson_links_section(room: ClassRoom) -> None:
    """The class's lesson links: the save form, each lesson with Push and Delete, and Stop offering."""
    st.subheader("Lesson links")
    st.markdown(HOW)
    _save_form(room)
    saved = lessons.of_class(store(), room.id)
    if not saved:
        st.caption("No lesson saved for this class yet.")
        return
    offered = lessons.pushed(store(), room.id)
    for lesson in saved:
        _lesson_row(lesson, offered is not None and offered.id == lesson.id)
    if offered is not None and st.button("Stop offering it", icon=":material/cancel_schedule_send:"):
        _do(lessons.stop_pushing, room.id)
