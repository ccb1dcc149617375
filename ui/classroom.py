"""Joining a class from its link (`?class=<code>`), the sidebar line saying who you are, and the lesson
the teacher pushed to the class (a sidebar offer to open it, checked every LESSON_POLL_SECONDS).

A join link opens a short form (a nickname) in front of whatever page it names; once joined, the
learner's private token replaces the class code in the address, so a reload keeps who they are.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.store import learners, lessons
from cnn_core.store.db import StoreError
from ui import address, ownership
from ui.errors import plain
from ui.store import store

CLASS_PARAM = "class"
LESSON_SEEN = "lesson_seen"  # session_state: (id, pushed_at) of the pushed lesson this learner opened or put off
LESSON_POLL_SECONDS = 10


def handle_join_link() -> None:
    """If the address carries a class code this learner has not joined yet, show the join form and stop."""
    raw = st.query_params.get(CLASS_PARAM)
    if raw is None:
        return
    room = learners.find_class(store(), raw)
    me = ownership.learner()
    if room is not None and me is not None and me.class_id == room.id:
        st.query_params.pop(CLASS_PARAM, None)  # already in this class: the link has done its job
        return
    st.title("Join a class")
    if room is None or room.closed is not None:
        st.error(
            "No open class has this code. Check the code on your teacher's screen, or ask them for the link again."
            if room is None
            else "This class has been closed by its teacher, so nobody can join it any more.",
            icon=":material/group_off:",
        )
        _work_alone_button()
        st.stop()
    st.markdown(f"Class **{plain(room.name)}** (code `{room.code}`).")
    with st.form("join"):
        nick = st.text_input(
            "Your nickname",
            max_chars=learners.NICKNAME_MAX,
            help="How your teacher and the class see your runs and drawings. Letters, digits, spaces, - _ . '",
        )
        joined = st.form_submit_button("Join the class", type="primary", icon=":material/login:")
    if joined:
        try:
            who, token = learners.join(store(), room.code, nick)
        except (learners.JoinError, StoreError) as e:
            st.error(plain(e), icon=":material/badge:")
        else:
            ownership.become(token, who)
            st.query_params.pop(CLASS_PARAM, None)
            st.rerun()
    _work_alone_button()
    st.stop()


def _work_alone_button() -> None:
    if st.button("Use the app on my own instead", icon=":material/person:"):
        st.query_params.pop(CLASS_PARAM, None)
        st.rerun()


def who_am_i() -> None:
    """The sidebar line: your nickname and class, or where your own work is kept."""
    me = ownership.learner()
    if me is None:
        return
    room = learners.class_of(store(), me)
    if room is not None:
        st.caption(
            f"You are **{plain(me.nickname)}** in class **{plain(room.name)}**. Your runs and drawings are kept; "
            "this tab's address is your private link (do not share it)."
        )
        lesson_offer(room.id)
    else:
        st.caption(
            "Your runs are kept under a private address: bookmark this page to come back to them later "
            "(anyone with that address can act as you, so keep it to yourself)."
        )


def _seen(lesson) -> None:
    st.session_state[LESSON_SEEN] = (lesson.id, lesson.pushed_at)


@st.fragment(run_every=LESSON_POLL_SECONDS)
def lesson_offer(class_id: int) -> None:
    """'Your teacher shared: <name>' with Open it / Not now, while the class's latest push is new to this
    session. Opening it is always the learner's click: nothing moves them away from what they are doing."""
    try:
        lesson = lessons.pushed(store(), class_id)
    except StoreError:
        return  # the database is away for a moment: the next check will tell
    if lesson is None or st.session_state.get(LESSON_SEEN) == (lesson.id, lesson.pushed_at):
        return
    with st.container(border=True):
        st.markdown(f"Your teacher shared: **{plain(lesson.name)}**")
        left, right = st.columns(2)
        if left.button("Open it", type="primary", icon=":material/open_in_browser:", key="lesson_open"):
            _seen(lesson)
            address.open_lesson(lesson.link, {ownership.KEY_PARAM: ownership.owner_key()})
        right.button("Not now", key="lesson_later", on_click=_seen, args=(lesson,))  # then it is drawn no more
