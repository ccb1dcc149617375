"""Data: the real MNIST arrays, their balance, one image as numbers, and the preprocessing steps."""

import numpy as np
import streamlit as st

from cnn_core import lesson_links
from cnn_core.data import N_TEST, N_TRAIN, SIDE, class_counts
from cnn_core.preprocess import add_channel, normalise, one_hot
from ui import address, figures, resources
from ui.keep import keep, last

st.title(f"The data: {N_TRAIN + N_TEST:,} handwritten digits")
mnist = resources.mnist_with_progress_bar()
if mnist is None:
    s = resources.samples()
    st.info(f"Showing the {len(s.images)} digits shipped with the app until the full dataset can be fetched.")
    arrays = {"x_test (shipped sample)": s.images, "y_test (shipped sample)": s.labels}
    x, y, split = s.images, s.labels, "test sample"
else:
    (xtr, ytr), (xte, yte) = mnist
    arrays = {"x_train": xtr, "y_train": ytr, "x_test": xte, "y_test": yte}
    x, y, split = xtr, ytr, "train"


def apply_address(values: dict) -> list[str]:
    """A lesson link's image index, for the widget below (kept per split, like the widget's own value)."""
    i = min(values["image"], len(x) - 1)
    if "data_index" in st.session_state:
        st.session_state["data_index"] = i
    keep(f"data_index_{split}", i)
    return [] if i == values["image"] else [f"There are {len(x)} images here, so image {i} is shown."]


address.open_page("data", apply_address)
link = st.container()  # "Copy link to this view", filled once the image is chosen

st.subheader("Four arrays")
cols = st.columns(len(arrays))
for col, (name, a) in zip(cols, arrays.items(), strict=True):
    col.metric(name, str(a.shape), help=f"dtype {a.dtype}, values {a.min()}..{a.max()}")
st.caption(
    f"Images are {SIDE}x{SIDE} grids of brightness from 0 (black) to 255 (white); labels are the digit each image "
    "shows. "
    "The test images are kept apart: the network never trains on them, so they measure how well it generalises."
)

if mnist is not None:
    st.subheader("Is every digit equally common?")
    st.plotly_chart(figures.class_balance(class_counts(ytr), class_counts(yte)), width="stretch")
    tr, te = class_counts(ytr), class_counts(yte)
    st.caption(
        f"Roughly balanced: the rarest training digit is {tr.argmin()} ({tr.min():,} images), the commonest "
        f"{tr.argmax()} ({tr.max():,}). In the test set: {te.argmin()} ({te.min():,}) to {te.argmax()} ({te.max():,})."
    )

st.subheader("What they look like")
st.plotly_chart(figures.digit_grid(x[:30], y[:30]), width="stretch")
st.caption(f"The first 30 {split} images with their labels.")

st.subheader("One image, as the computer sees it")
default = lesson_links.field_of("data", "image").default
default = default if len(x) > default else 0
start = min(last(f"data_index_{split}", default), len(x) - 1)
i = keep(
    f"data_index_{split}",
    st.number_input(
        f"Image index in the {split} set",
        0,
        len(x) - 1,
        start,
        key="data_index",
        disabled=address.locked("data", "image"),
    ),
)
address.sync("data", {"image": i}, link)
img, label = x[i], int(y[i])
left, right = st.columns([1, 3])
left.image(img, caption=f"{split} #{i}: label {label}", width=200)
left.write(f"Shape **{img.shape}**, dtype **{img.dtype}**, values {img.min()}..{img.max()}.")
right.plotly_chart(
    figures.pixel_matrix(img, f"{split} #{i}: {img.shape[0]}x{img.shape[1]} pixel values (0-255)"), width="stretch"
)

st.subheader("Preparing it for the network")
reshaped, scaled, hot = add_channel(img), normalise(add_channel(img)), one_hot(label)
st.markdown(
    f"1. **Reshape** {img.shape} -> {reshaped.shape}: a convolution layer expects a depth (channel) axis; "
    "a grey image has one channel, a colour photo three.\n"
    f"2. **Normalise** {reshaped.dtype} 0..255 -> {scaled.dtype} {scaled.min():.1f}..{scaled.max():.1f}, "
    f"shape still {scaled.shape}: dividing by 255 keeps inputs small, so training steps are well scaled.\n"
    f"3. **One-hot encode** the label {label} -> a vector of shape {hot.shape} with a 1 at position {label}: "
    "the network outputs ten probabilities, and this is the answer it is trained to give."
)
c1, c2 = st.columns([3, 2])
c1.plotly_chart(figures.pixel_matrix(scaled[..., 0], "Normalised values (0-1)", fmt="f"), width="stretch")
c2.plotly_chart(figures.vector_bar(hot, f"One-hot vector for label {label}"), width="stretch")
c2.code(f"{np.array2string(hot, precision=0, separator=', ')}", language=None)
