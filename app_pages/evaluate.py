"""Evaluate: how well the active model does on the MNIST test images it never trained on."""

import streamlit as st

from cnn_core.data import N_TEST
from ui import address, models
from ui.evaluate import inputs
from ui.evaluate.figures import test_result
from ui.evaluate.sections import confusion_section, mistakes_section, one_image, report_section
from ui.resources import mnist_with_progress_bar

st.title("Evaluate the network")
st.markdown(
    f"The test set holds {N_TEST:,} digits the network never saw while training. "
    "Its answers on them say how it will do on new handwriting."
)
address.open_page(inputs.PAGE, inputs.apply_address)
link = st.container()  # "Copy link to this view", filled once the test image is chosen

mnist = mnist_with_progress_bar()
if mnist is None:
    st.info("Evaluation needs the full MNIST test set.")
    st.stop()
x_test = mnist[1][0]

model_id, label, model = models.active_model()
st.caption(f"Active model: **{label}** (choose another on the Train page).")
res = test_result(model_id, model, mnist)

c = st.columns(3)
c[0].metric("Test accuracy", f"{res.accuracy:.4f}")
c[1].metric("Test loss (cross-entropy)", f"{res.loss:.4f}")
c[2].metric("Prediction array shape", str(res.probs.shape))
st.markdown(
    f"**Q38:** yes, every test image got a prediction: the array of answers has shape `{res.probs.shape}`, "
    f"one row of {res.probs.shape[1]} probabilities for each of the {res.probs.shape[0]:,} images; "
    f"{res.correct:,} of them are right."
)

st.subheader("One test image (Q39)")
i = inputs.test_image(len(x_test))
address.sync(inputs.PAGE, {"image": i}, link)
one_image(res, x_test, model, i)

st.subheader("Classification report (Q40, Q41)")
report_section(res)

st.subheader("Confusion matrix")
confusion_section(res, x_test)

st.subheader("Most confident mistakes")
mistakes_section(res, x_test)
