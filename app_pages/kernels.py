"""Kernels: filter a picture with a kernel, walk the windows one by one, see padding, stride and pooling."""

import streamlit as st

from cnn_core import filtering
from cnn_core.convolution import BadConvolution
from ui.errors import plain
from ui.kernels import colour as colour
from ui.kernels import inputs as inputs
from ui.kernels import sections as sections
from ui.kernels import text as T

st.title("Kernels: how a filter reads a picture")
st.markdown(T.INTRO)

pic = inputs.pick_picture()
for note in pic.notes if pic else []:
    st.caption(note)
if pic is None:
    st.stop()


@st.fragment  # a change below reruns only this part, so the new output is drawn sooner
def explore(pic: inputs.KernelPicture) -> None:
    view = inputs.pick_view()
    if view == inputs.VIEW_POOLING:
        sections.show_pooling(pic)
        return
    left, right = st.columns([2, 1])
    with left:
        kernel = inputs.pick_kernel()
    with right:
        settings = inputs.pick_settings()
    if kernel is None:
        st.info("Fix the kernel above to see its output.")
        return
    if view == inputs.VIEW_COLOUR:
        colour.show_colour(pic, kernel, settings)
        return
    try:
        result = filtering.filter_image(pic.grey, kernel, settings.padding, settings.stride, settings.convolve)
    except BadConvolution as e:
        st.warning(plain(e), icon=":material/crop_free:")
        return
    if view == inputs.VIEW_FILTER:
        sections.show_filtering(pic, kernel, result, settings)
        sections.show_texts([T.KERNEL_SHAPES + T.NOT_SPOILED, T.borders_text(settings.stride) + T.STRIDE, T.FLIP])
    else:
        sections.show_steps(result, kernel)


explore(pic)
