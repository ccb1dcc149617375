"""Send a drawing, with the digit it was meant to be, to the store: the class's own test set."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from cnn_core.data import N_CLASSES
from cnn_core.store import drawings
from cnn_core.store.db import StoreError
from ui import ownership
from ui.errors import plain
from ui.store import store

LABEL_KEY = "draw_meant"


def submit_drawing(x: np.ndarray, probs: np.ndarray, model_label: str) -> None:
    """A 'which digit did you mean?' picker and a Send button for the drawing `x` (28, 28) in [0, 1]
    that the model `model_label` read as `probs` (10,). One drawing is sent once."""
    drawing_id = hashlib.sha256(drawings.to_bytes(x)).hexdigest()[:16]
    me = ownership.learner()
    in_class = me is not None and me.class_id is not None
    sent = st.session_state.setdefault("draw_sent", set())
    with st.container(border=True):
        st.markdown("**Add this drawing to " + ("your class's test set**" if in_class else "your drawings**"))
        if drawing_id in sent:
            st.success("Sent. Draw another digit to send more.", icon=":material/check:")
            return
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        meant = c1.selectbox(
            "The digit you meant",
            list(range(N_CLASSES)),
            index=None,
            placeholder="Pick the digit you meant",
            key=f"{LABEL_KEY}-{drawing_id}",
        )
        if c2.button("Send", icon=":material/send:", key=f"draw_send-{drawing_id}"):
            try:
                who = ownership.ensure_learner()
                digit = int(np.argmax(probs))
                prediction = {"model": model_label, "digit": digit, "probability": float(probs[digit])}
                drawings.submit(store(), who, x, meant, [prediction])
            except (drawings.DrawingError, StoreError) as e:
                st.error(plain(e), icon=":material/label_off:")
                return
            sent.add(drawing_id)
            st.success(f"Sent as a {meant}; the network read {digit}.", icon=":material/check:")
        st.caption(
            "Your teacher measures how well networks trained on MNIST read the class's own handwriting "
            "with these. What is kept: the 28 x 28 picture the network saw, the digit you picked, and "
            "what the network answered."
        )
