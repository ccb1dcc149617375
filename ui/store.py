"""The app's database (cnn_core.store), opened once per server process and migrated on start."""

from __future__ import annotations

import streamlit as st

from cnn_core.store.db import Store
from cnn_core.store.migrate import open_store


@st.cache_resource(show_spinner="Opening the app's database...")
def store() -> Store:
    """The store at $CNN_EXPLAINER_DB (default: SQLite in the cache folder). A database that cannot be
    opened raises cnn_core.store.db.StoreError with a plain sentence (not cached: the next page run
    tries again)."""
    return open_store()
