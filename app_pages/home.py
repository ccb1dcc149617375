"""Home: what the app teaches, the path through it, and the seed network at a glance (no TensorFlow)."""

import numpy as np
import streamlit as st

from cnn_core.architecture import SEED
from cnn_core.formulas import layer_table, shape_text
from cnn_core.samples import load_samples
from ui import figures
from ui.home import sections as H
from ui.home import text as T
from ui.nav import link

st.title("How a convolutional network reads handwritten digits")
st.write(
    "This app takes apart a small convolutional neural network (CNN) that recognises the digits 0-9 "
    "in the MNIST dataset. Every number you see is computed live: from the real data, from formulas you can "
    "check by hand, and from the real Keras model."
)

table = layer_table(SEED)
st.subheader("The network you will build, train and take apart")
st.plotly_chart(figures.network_diagram(table, SEED.input_shape), width="stretch", config={"displayModeBar": False})
st.caption(
    "The seed network, layer by layer (block height grows with a map's width, block width with its depth). "
    f"{figures.diagram_summary(table, SEED.input_shape)} {table.total_params:,} learnable parameters in all, "
    f"{table.total_macs / 1e6:.1f} million multiply-adds per image."
)

st.subheader("The path")
c = st.columns(4)
with c[0]:
    link("data", "1. Data: the digits as numbers", ":material/dataset:")
with c[1]:
    link("kernels", "2. Kernels: sliding filters", ":material/blur_on:")
with c[2]:
    link("architecture", "3. Architecture: sizes and parameters", ":material/account_tree:")
with c[3]:
    link("train", "4. Train, then evaluate", ":material/model_training:")
link("draw", "5. Draw your own digit and watch every layer react", ":material/draw:")

s = load_samples()
st.subheader("Questions this app answers")
st.caption("Each answer comes with a small live example from the real digits and the shipped network.")
row = H.pick_digit(s)
with st.expander("What is a CNN for, and what is it trained to do? (Q1, Q17)", expanded=True):
    st.write(T.purpose())
    H.purpose(s, row)
    link("evaluate", "See how often the trained network is right", ":material/analytics:")
with st.expander("What goes in? (Q2)"):
    img, label = s.images[row], int(s.labels[row])
    st.image(
        img,
        width=84,
        caption=(
            f"test image {int(s.indices[row])}, a {label}: {shape_text(img.shape)} {img.dtype} numbers from "
            f"{np.iinfo(img.dtype).min} to {np.iinfo(img.dtype).max} (this one uses {img.min()} to {img.max()})"
        ),
    )
    st.write(
        f"One grey image as a grid of brightness values, shaped (height, width, channels) = {SEED.input_shape}. "
        "A colour photo would have 3 channels. Many images go in together as a batch."
    )
    link("data", "Open the Data page to read an image pixel by pixel")
    link("kernels", "See a filter read a colour picture channel by channel (Kernels page, colour view)")
with st.expander("How does it work? (Q3)", key="home_q3", on_change="rerun") as q3:
    st.write(T.how_it_works())
    if q3.open:  # live parts run only in an open answer, so Home loads quickly
        H.how_it_works(s, row)
    link("draw", "Draw a digit and watch each layer")
with st.expander("Where else are CNNs used? (Q4)", key="home_q4", on_change="rerun") as q4:
    st.write(T.ELSEWHERE)
    if q4.open:
        H.elsewhere()
with st.expander("Why is recognising images hard? (Q5)", key="home_q5", on_change="rerun") as q5:
    st.write(T.why_hard())
    if q5.open:
        H.why_hard(s, row)
    link("kernels", "See how one filter responds to strokes anywhere in the image")
with st.expander("What makes a CNN work well in the end? (Q42)", key="home_q42", on_change="rerun") as q42:
    st.write(T.GOOD_DATA)
    if q42.open:
        H.works_well()
    st.write(T.things_to_try())
    link("train", "Run those experiments on the Train page")
