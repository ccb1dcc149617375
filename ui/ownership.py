"""Who may control a training run (cancel it, score it, use its model): `can_control`, the one place.

The rule: the session that started a run controls it; anyone else who opens the run's address gets
a read-only view. A later class-mode identity (a login) replaces `owner_key` and nothing else.

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

from ui import state

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
