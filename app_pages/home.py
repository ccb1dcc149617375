"""Home: what the app teaches, the path through it, and the seed network at a glance (no TensorFlow)."""

import streamlit as st

from cnn_core.architecture import SEED
from cnn_core.data import N_PIXELS, SIDE
from cnn_core.formulas import layer_table
from cnn_core.samples import load_samples
from ui import figures
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
first = SEED.conv_blocks[0]
st.subheader("Questions this app answers")
with st.expander("What is a CNN for? (Q1, Q17)", expanded=True):
    st.write(
        f"A CNN turns a picture into a decision: here, which of ten digits a {SIDE}x{SIDE} image shows. Its goal in "
        "training is to find filter weights that make that decision right as often as possible on images it has "
        "never seen. It works on any data laid out on a grid where nearby values belong together."
    )
    link("evaluate", "See how often the trained network is right", ":material/analytics:")
with st.expander("What goes in? (Q2)"):
    img, label = s.images[0], int(s.labels[0])
    st.image(img, width=84, caption=f"test image 0, a {label}: {img.shape[0]}x{img.shape[1]} numbers from 0 to 255")
    st.write(
        f"One grey image as a grid of brightness values, shaped (height, width, channels) = {SEED.input_shape}. "
        "A colour photo would have 3 channels. Many images go in together as a batch."
    )
    link("data", "Open the Data page to read an image pixel by pixel")
with st.expander("How does it work? (Q3)"):
    st.write(
        "Early layers slide small filters over the image and respond where they find a pattern: an edge, a "
        f"corner, a curve end. {first.pool.capitalize()} pooling ({first.pool_size}x{first.pool_size} here) shrinks the maps"
        + (", keeping the strongest response of each window. " if first.pool == "max" else ". ")
        + "Later layers combine "
        "simple patterns into parts of digits; the dense layers at the end weigh that evidence and output ten "
        "probabilities. Training adjusts every weight a little after each batch to reduce the error."
    )
    link("draw", "Draw a digit and watch each layer")
with st.expander("Where else are CNNs used? (Q4)"):
    st.write(
        "Reading medical scans, spotting defects on production lines, finding faces and cars in camera images, "
        "satellite maps, handwriting and document reading; and beyond pictures, spectrograms of speech and "
        "any signal with local structure."
    )
with st.expander("Why is recognising images hard? (Q5)"):
    st.write(
        "The same digit never looks the same twice: people write it at different sizes, slants, thicknesses and "
        f"positions, and a computer only sees {N_PIXELS} numbers that change completely when the digit moves by one "
        "pixel. A rule written by hand breaks on the next writer; a CNN learns features that survive these changes."
    )
    link("kernels", "See how one filter responds to strokes anywhere in the image")
with st.expander("What makes a CNN work well in the end? (Q42)"):
    n_conv, n_dense = len(SEED.conv_blocks), len(SEED.dense_layers)
    st.write(
        "Good data and honest testing come first. The network learns only from examples, so they must be "
        "many, varied and cleaned the same way for training and for real use (the Draw page centres your digit the way MNIST digits are centred). Every "
        "change must then be judged on images the network never trained on, one change at a time, so you "
        "know which change helped."
    )
    st.write(
        f"Things worth trying, starting from the seed network's {n_conv} convolution blocks "
        f"({first.filters} filters of {first.kernel_size}x{first.kernel_size} in the first) and {n_dense} hidden dense "
        "layers:\n"
        "- **training itself**: more or fewer passes over the data, a larger or smaller learning rate, "
        "another optimiser;\n"
        "- **what each convolution sees**: how many filters, how wide a window, max or average pooling;\n"
        "- **how deep and wide the whole network is**: more or fewer layers, more or fewer units in each, "
        "other activation functions."
    )
    link("train", "Run those experiments on the Train page")
