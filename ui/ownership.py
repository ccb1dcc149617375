"""Who is who, and who may control a training run (cancel it, score it, use its model): `can_control`.

The rule: the learner who started a run controls it; anyone else who opens the run's address gets
a read-only view. A learner is a private token (`owner_key`): a class member joined with a nickname
(cnn_core.store.learners.join), or someone working alone, kept as a personal learner the first time
they keep something (`ensure_learner`). The store holds only the token's SHA-256.

How a session proves it started a run: on first need it draws a random secret key
(`secrets.token_hex(16)`, 128 bits) kept in `st.session_state`; the run stores only the key's
SHA-256 (`cnn_core.jobs.owner_hash`), so nothing on the server is a usable key. A reload starts a
new Streamlit session and loses `st.session_state`, so the key is also kept in the owner's own
address as `?key=...`, beside the public run id `?job=...`; a reload reads it back from there.

What a copied link leaks: the whole address of the owner's tab carries the key, so whoever gets it
can control that learner's runs, exactly like the learner (a "secret link"); the run id alone
(`/train?job=<id>`) gives only the read-only view, and the Train page offers that link for sharing.
The key is never shown on the page. A cookie would keep the key out of the address, but Streamlit
can only read cookies, not set them, without a custom component; this is the price of a reload
that keeps working. The key is only ever read from the address when this session has none yet.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

from cnn_core.store import learners
from ui import state
from ui.store import store

KEY_PARAM = "key"
_KEY = re.compile(r"[0-9a-f]{32}")


def owner_key() -> str:
    """This session's secret key: from session_state, else from a reloaded owner's address, else new."""
    key = st.session_state.get(state.OWNER_KEY)
    if key is None:
        given = st.query_params.get(KEY_PARAM)
        key = given if isinstance(given, str) and _KEY.fullmatch(given) else secrets.token_hex(16)
        st.session_state[state.OWNER_KEY] = key
    return key


def can_control(job) -> bool:
    """True when this session may cancel, score or use `job` (a cnn_core.jobs.Job): it started it."""
    return job is not None and job.owned_by(owner_key())


def keep_in_address() -> None:
    """Put this session's key into the address, so that a reload of this tab keeps control."""
    st.query_params[KEY_PARAM] = owner_key()


def learner():
    """This session's learner in the store (cnn_core.store.tables.Learner), or None before they keep
    anything. Cached per session; a key from the address that the store does not know is ignored."""
    cached = st.session_state.get(state.LEARNER)
    if cached is not None and cached[0] == owner_key():
        return cached[1]
    found = learners.by_token(store(), owner_key())
    if found is not None:
        st.session_state[state.LEARNER] = (owner_key(), found)
    return found


def ensure_learner():
    """This session's learner, made now as a personal learner (no class) if it has none yet."""
    found = learner()
    if found is None:
        found = learners.personal(store(), owner_key())
        st.session_state[state.LEARNER] = (owner_key(), found)
    return found


def become(token: str, who) -> None:
    """Switch this session to the learner `who` with private `token` (just joined a class)."""
    st.session_state[state.OWNER_KEY] = token
    st.session_state[state.LEARNER] = (token, who)
    keep_in_address()


def keep_learner_in_address() -> None:
    """On every page: a session with a stored learner keeps its key in the address (a reload keeps it)."""
    if st.session_state.get(state.LEARNER) is not None or (
        st.query_params.get(KEY_PARAM) is not None and learner() is not None
    ):
        keep_in_address()
