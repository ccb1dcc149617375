"""Train: pick a network and a recipe, train it in the background, watch it learn, compare runs."""

import streamlit as st

from cnn_core import jobs
from cnn_core.formulas import layer_table
from cnn_core.store.db import StoreError
from cnn_core.store.runs import AlreadyTraining
from ui import address, models, ownership, training
from ui.errors import plain
from ui.resources import mnist_with_progress_bar
from ui.teacher.leaderboard import learner_leaderboard
from ui.train import experiments, inputs, progress
from ui.train.inputs import architecture_picker, cost_note, keep_settings, quick_run_hint, recipe_controls
from ui.train.sections import kernels_section, runs_section
from ui.train.text import answers, answers_heading, precision_note

st.title("Train the network")
st.markdown(
    "Training shows the network labelled digits and nudges every weight to make its answers less wrong. "
    "It runs in the background: switch pages or reload, and this page picks it up again."
)
address.open_page(inputs.PAGE, inputs.apply_address)  # a lesson link's recipe, before any widget
link = st.container()  # "Copy link to this view", filled once the recipe is chosen

job = training.current_job()
mine = ownership.can_control(job)
if job is not None and not mine:
    progress.read_only_note(job)

keep_settings()
_, arch = architecture_picker()
table = layer_table(arch)
if not table.valid:
    st.error(f"This network cannot be built: {table.first_error.error} Fix it on the Architecture page.")
    st.stop()
recipe = recipe_controls()
address.sync(inputs.PAGE, inputs.address_values(recipe), link)
refused = cost_note(table, recipe)
st.caption(precision_note(job))
progress.executor_line()

busy = training.busy()
training.kept_runs_note()
c1, c2, _ = st.columns([1, 1, 3])
if c1.button("Start training", type="primary", disabled=busy or refused, icon=":material/play_arrow:"):
    mnist = mnist_with_progress_bar()
    if mnist is None:
        st.stop()
    try:
        training.start(arch, recipe, mnist)
    except (jobs.TooCostly, AlreadyTraining, StoreError) as e:
        st.error(plain(e), icon=":material/block:")
        st.stop()
    st.rerun()  # the whole page again: Start disabled, Cancel enabled, the new run in the table
cancellable = mine and job.state not in jobs.TERMINAL
if c2.button(
    "Cancel", disabled=not cancellable, icon=":material/stop:", help="Stops at the next batch; keeps the weights."
):
    training.cancel(job)
experiments.section()

st.subheader("Progress")
if job is None:
    st.info(f"Choose the settings above and press **Start training**. {quick_run_hint()}")
elif job.state not in jobs.TERMINAL:
    progress.live_progress(job.id)
    progress.live_charts(job.id)
else:
    progress.show_outcome(job)

st.subheader("Your runs")
runs_section()
me = ownership.learner()
learner_leaderboard(me.class_id if me is not None else None)  # when the teacher shows it

if job is not None and job.kernels:
    st.subheader("Learned kernels of the first layer (Q35)")
    kernels_section(job)

st.subheader(answers_heading(job))  # the shipped model's numbers until this run has finished an epoch
answers(job, models.runs())
