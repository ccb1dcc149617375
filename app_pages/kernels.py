"""Kernels: filter a picture with a kernel, walk the windows one by one, see padding, stride and pooling."""

import streamlit as st

from cnn_core import filtering
from cnn_core.convolution import BadConvolution
from ui import address
from ui.errors import plain
from ui.kernels import colour as colour
from ui.kernels import inputs as inputs
from ui.kernels import lesson as lesson
from ui.kernels import sections as sections
from ui.kernels import text as T

st.title("Kernels: how a filter reads a picture")
st.markdown(T.INTRO)
address.open_page(inputs.PAGE, lesson.apply_address)  # a lesson link's settings, before any widget

pic = inputs.pick_picture()
for note in pic.notes if pic else []:
    st.caption(note)
if pic is None:
    address.sync(inputs.PAGE, lesson.address_values())
    st.stop()


@st.fragment  # a change below reruns only this part, so the new output is drawn sooner
def explore(pic: inputs.KernelPicture) -> None:
    link = st.container()  # "Copy link to this view", filled once every setting is known
    view = inputs.pick_view()
    _show(pic, view)
    address.sync(inputs.PAGE, lesson.address_values(), link)  # the address follows every change


def _show(pic: inputs.KernelPicture, view: str) -> None:
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
        lesson.place_step(result.output.shape)
        sections.show_steps(result, kernel)


explore(pic)
