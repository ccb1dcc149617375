"""Draw a digit and watch the network read it: preprocessing, prediction, every layer, saliency."""

import streamlit as st

from cnn_core.data import SIDE
from cnn_core.digits import BadDrawing, EmptyDrawing, NotADigit
from cnn_core.nn.features import layer_rows, reader_for, warm_up
from ui import address, models, state
from ui.draw import inputs, layers, sections
from ui.draw.submit import submit_drawing
from ui.errors import plain
from ui.keep import keep, last

st.title("Draw a digit")
st.write(
    "Draw a digit with the mouse (or a finger). The network reads it the moment you lift the pen: "
    f"below you see how the drawing becomes its {SIDE} x {SIDE} input, what it answers, and what every layer computed."
)
address.open_page(inputs.PAGE, inputs.apply_address)  # a lesson link's settings, before any widget

choices = models.model_choices()
active_id, _, _ = models.active_model()
if len(choices) > 1:
    model_id = st.selectbox(
        "Model", list(choices), index=list(choices).index(active_id), format_func=choices.get, key="draw_model"
    )
else:
    model_id = active_id
model = models.get_model(model_id)
warm_up(model)  # compiles while the learner draws
rows = layer_rows(model)
PROMPT = "Draw a digit in the black square: the prediction appears when you lift the pen."


@st.fragment
def play():
    link = st.container()  # "Copy link to this view", filled once every setting is known
    read_and_show()
    address.sync(inputs.PAGE, inputs.address_values(), link)  # the address follows every change


def read_and_show():
    left, right = st.columns([1, 1.4], gap="large")
    with left:
        pic = inputs.picture()
    steps_box = st.container()
    with steps_box:
        st.subheader("From your drawing to the network's input")
        switches = sections.step_switches() if not pic.is_mnist else None
    if pic.pixels is None:
        right.info(pic.note or PROMPT)
        return
    try:
        pre, reading = sections.read(model, pic, switches)
    except EmptyDrawing as e:  # on the canvas that simply means nothing is drawn yet
        if pic.source == "canvas":
            right.info(PROMPT)
        else:
            right.warning(f"{e} So there is nothing to read yet.", icon=":material/image_search:")
        return
    except NotADigit as e:
        right.warning(str(e), icon=":material/block:")
        return
    except BadDrawing as e:
        right.error(f"This picture cannot be read: {e}")
        return
    if pre.image.max() <= 1:  # the Kernels page expects [0, 1]; not the 'normalise off' experiment
        st.session_state[state.DRAWN_DIGIT] = pre.image
    with right:
        sections.prediction(reading, choices[model_id])
        if not pic.is_mnist:  # a learner's own handwriting: it can join the class's test set
            submit_drawing(pre.image, reading.probs, choices[model_id])
    with steps_box:
        sections.steps(pre)
    st.subheader("From ten scores to ten probabilities: softmax and the loss")
    sections.softmax(reading, pic)
    st.subheader("Why this answer: saliency")
    sections.saliency(pre.image, reading)
    st.subheader("Every layer, in order")
    shared = st.toggle(
        "One colour scale per layer (off: each map scaled to its own maximum)",
        last("draw_shared", False),
        key="draw_shared",
    )
    keep("draw_shared", shared)
    layers.layers(reading, rows, shared)
    st.subheader("Look closer: one feature map and its kernel")
    note = inputs.place_focus(reading.layers)  # the layer and map a lesson link asked for
    if note:
        st.warning(plain(note), icon=":material/link_off:")
    layers.focus(reader_for(model), reading)


play()
