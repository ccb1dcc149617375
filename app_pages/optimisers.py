"""Optimisers: gradient descent, momentum, RMSprop and Adam walking a 2-D loss surface (NumPy, no TensorFlow)."""

import streamlit as st

from cnn_core.optimisers import race
from ui.optimisers.inputs import controls, surface_picker
from ui.optimisers.sections import show_explanations, show_race
from ui.optimisers.text import INTRO

st.title("Optimisers you can watch")
st.write(INTRO)

key, surface = surface_picker()
constants, steps, start = controls(key, surface)
paths = race(surface, constants, steps, start)
show_race(surface, paths, constants)
show_explanations(constants)
