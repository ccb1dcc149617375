"""Server-wide settings a teacher changes while the server runs (kept in the store, read by every process)."""

from __future__ import annotations

from cnn_core.store.db import Store
from cnn_core.store.tables import Setting

MAX_JOBS = "max_jobs"  # how many runs train at once on this server


def get(store: Store, key: str, default=None):
    with store.session("read a setting") as s:
        row = s.get(Setting, key)
        return default if row is None else row.value.get("v", default)


def put(store: Store, key: str, value) -> None:
    with store.lock, store.session("save the setting") as s:
        s.merge(Setting(key=key, value={"v": value}))
