"""The Teacher page's tables: rows from cnn_core.store.views shown with st.dataframe (text is never HTML)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core.store import views

RUN_SHOWN = [c for c in views.RUN_COLUMNS if c != "id"]  # the columns of the CSV export, less the run id
SETTINGS = ["weights", "optimizer", "learning rate", "batch", "epochs", "images", "loss"]

CONFIG = {
    "progress": st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent"),
    "test accuracy": st.column_config.NumberColumn("test accuracy", format="%.4f"),
    "accuracy": st.column_config.NumberColumn("accuracy", format="percent"),
    "val accuracy": st.column_config.NumberColumn("val accuracy", format="%.4f"),
    "weights": st.column_config.NumberColumn("weights", help="trainable parameters of the network", format="%d"),
    "learning rate": st.column_config.NumberColumn("learning rate", format="%g"),
    "images": st.column_config.NumberColumn("images", help="training images per epoch", format="%d"),
    "seconds": st.column_config.NumberColumn("seconds", help="from start to end of training", format="%.1f"),
}


def _config() -> dict:
    """Column formats; times in the browser's own time zone (UTC when it has not said)."""
    joined = st.column_config.DatetimeColumn("joined", format="HH:mm:ss", timezone=st.context.timezone or "UTC")
    return {**CONFIG, "joined": joined}


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def show(rows: list[dict], columns: list[str], height: int | str = "auto") -> None:
    st.dataframe(
        frame(rows, columns),
        hide_index=True,
        column_config={c: v for c, v in _config().items() if c in columns},
        height=height,
    )


def learners_rows(rows: list[dict]) -> list[dict]:
    """views.learners_table rows with the join time as a date-time (UTC; shown in the browser's zone)."""
    return [{**r, "joined": pd.Timestamp(r["joined"], unit="s", tz="UTC")} for r in rows]


def leaderboard_rows(board: list[dict]) -> list[dict]:
    """views.leaderboard rows with their rank (1 = best)."""
    return [{"rank": i, **r} for i, r in enumerate(board, start=1)]


def run_name(row: dict) -> str:
    """'Ada, run 3': how a run is named in pickers and legends (nicknames have no markup characters)."""
    return f"{row['nickname']}, run {row['run']}"
