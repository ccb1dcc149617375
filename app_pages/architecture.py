"""Architecture: edit the network and watch output sizes and parameter counts follow, checked against Keras."""

import streamlit as st

from cnn_core.activations import layers_by_activation
from cnn_core.formulas import layer_table
from cnn_core.nn.keras_check import check_with_keras  # imports TensorFlow only when called
from ui import address, state
from ui.architecture.figures import activation_curves, cost_bars, cost_summary
from ui.architecture.inputs import PAGE, address_values, apply_address, architecture_editor, edited_architecture
from ui.architecture.planes import planes
from ui.architecture.sections import show_keras_check, show_table, show_totals
from ui.architecture.text import activation_caption, activation_summary, show_answers
from ui.figures import diagram_summary, network_diagram

KERAS_CHECKS = "arch_keras_checks"  # {Architecture: KerasCheck} for this session

st.title("Architecture")
st.write(
    "Change the network below. Every output size and parameter count is recomputed from the formulas "
    "as you type, and Keras can check them."
)
address.open_page(PAGE, apply_address)  # a lesson link's network, before the editor reads its widgets
link = st.container()  # "Copy link to this view", filled once the editor has run

arch = edited_architecture()  # read before the widgets are drawn: the browser gets the new numbers first
editor = st.container()  # shown here, filled below
table = layer_table(arch)

show_totals(table)
left, right = st.columns([5, 2])
with left:
    st.subheader("Layer by layer")
    show_table(table, arch.input_shape)
with right:
    st.subheader("Why these numbers?")
    show_answers()

with editor:  # after the table, before the charts: three separate updates in the browser, table first
    arch = architecture_editor()  # the same network, now from the drawn widgets: the rest of the page uses it
if table.valid:  # the Train page must never receive a network Keras cannot build
    st.session_state[state.ARCHITECTURE] = arch
address.sync(PAGE, address_values(), link)

st.subheader("The network as a picture")
st.plotly_chart(network_diagram(table, arch.input_shape), width="stretch", config={"displayModeBar": False})
st.caption(diagram_summary(table, arch.input_shape))
st.plotly_chart(cost_bars(table), width="stretch", config={"displayModeBar": False})
st.caption(cost_summary(table))

st.subheader("The planes of layer 1 (Q19)")
planes()  # real planes of a sample digit beside the answer to Q19 (NumPy, no TensorFlow)

st.subheader("Activation functions")
used = layers_by_activation(arch)
st.plotly_chart(activation_curves(used), width="stretch", config={"displayModeBar": False})
st.caption(activation_caption(arch.num_classes))
st.markdown(activation_summary(used))

st.subheader("Check with Keras")
st.write("Build the real Keras model for this network (this loads TensorFlow, a few seconds the first time).")
checks = st.session_state.setdefault(KERAS_CHECKS, {})
if st.button("Check with Keras", icon=":material/fact_check:", key="arch_check_keras"):
    with st.spinner("Building the Keras model..."):
        checks[arch] = check_with_keras(arch)
if arch in checks:
    show_keras_check(checks[arch], table)

st.divider()
kept = st.session_state.get(state.ARCHITECTURE)
if table.valid:
    st.info("This network is kept for your session: the Train page trains it.", icon=":material/save:")
elif kept is not None:
    st.warning(
        f"This network cannot be built, so the Train page keeps the last one that could "
        f"({layer_table(kept).total_params:,} parameters)."
    )
st.page_link("app_pages/train.py", label="Go to the Train page", icon=":material/model_training:")
