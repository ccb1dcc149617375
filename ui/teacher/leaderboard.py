"""The class leaderboard: runs by test accuracy (ties: fewer weights) with the settings behind each score.

The teacher sees all of it; learners see the top LEARNER_TOP on their Train page when the class shows it.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.data import N_TEST
from cnn_core.store import learners, views
from ui.store import store
from ui.teacher import tables

LEARNER_TOP = 10
BOARD = ["rank", "nickname", "run", "test accuracy", *tables.SETTINGS, "val accuracy", "seconds"]
RULE = f"Ranked by test accuracy on the {N_TEST:,} MNIST test images; a tie goes to the network with fewer weights."


def teacher_leaderboard(rows: list[dict]) -> None:
    """Every scored run of the class (views.class_runs rows), best first."""
    board = views.leaderboard(rows)
    if not board:
        st.caption("No run has a test accuracy yet: the leaderboard fills as runs finish.")
        return
    tables.show(tables.leaderboard_rows(board), BOARD, height=min(420, 38 + 35 * len(board)))
    st.caption(f"{RULE} {len(board)} scored runs of {len(rows)}.")


def learner_leaderboard(class_id: int | None) -> None:
    """For a learner's Train page: the top runs of their class, if the teacher shows the leaderboard."""
    if class_id is None:
        return
    room = next((r for r in learners.classes(store()) if r.id == class_id), None)
    if room is None or not room.show_leaderboard:
        return
    rows = views.class_runs(store(), class_id)
    top = views.leaderboard(rows, top=LEARNER_TOP)
    st.subheader("Class leaderboard")
    if not top:
        st.caption("No run of your class has finished yet: the best ones will appear here.")
        return
    tables.show(tables.leaderboard_rows(top), BOARD)
    st.caption(f"{RULE} The best {len(top)} of {len(views.leaderboard(rows))} scored runs in your class.")
