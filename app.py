"""The router: one st.navigation over the pages in app_pages/, and the shared sidebar.

Run with `streamlit run app.py`.
"""

import os

import streamlit as st

from cnn_core.settings import set_thread_env
from cnn_core.teacher_key import announce_once
from ui import classroom, ownership
from ui.errors import friendly_errors
from ui.keep import count_run
from ui.runtime import keep_keras_state, redirect_nested_paths

# Before any page starts TensorFlow: cap its thread pools (one training job must leave the web
# server a core) and keep its start-up chatter out of the teacher's terminal.
set_thread_env()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
announce_once()  # the teacher key in the server's terminal (a no-op once ui.serve printed it)
keep_keras_state()  # no keras.backend.clear_session() after every rerun (see ui/runtime.py)
redirect_nested_paths()  # '/train/extra' says 'Page not found' instead of a blank page (ui/runtime.py)

st.set_page_config(page_title="How a CNN sees MNIST", page_icon=":material/visibility:", layout="wide")

# Each page registers here, in its section. Keep one line per page.
PAGES = {
    "Learn": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("app_pages/data.py", title="Data", icon=":material/dataset:"),
        st.Page("app_pages/kernels.py", title="Kernels", icon=":material/filter:"),
        st.Page("app_pages/architecture.py", title="Architecture", icon=":material/account_tree:"),
        st.Page("app_pages/optimisers.py", title="Optimisers", icon=":material/route:"),
    ],
    "Train": [
        st.Page("app_pages/train.py", title="Train", icon=":material/model_training:"),
        st.Page("app_pages/evaluate.py", title="Evaluate", icon=":material/analytics:"),
    ],
    "Play": [st.Page("app_pages/draw.py", title="Draw", icon=":material/draw:")],
    "Teach": [st.Page("app_pages/teacher.py", title="Teacher", icon=":material/school:")],
}

count_run()  # lets a page tell which of its widgets the previous run drew (ui/keep.py)
page = st.navigation(PAGES)
with friendly_errors(page.title, retry_page=True):  # 'Reconnecting' + a rerun when the database is back
    classroom.handle_join_link()  # a class's join link: the nickname form first
    ownership.keep_learner_in_address()  # page switches clear the address; the private link stays
    with st.sidebar:
        st.caption("Every number in this app is computed live from the real MNIST data and the real Keras model.")
        classroom.who_am_i()
    page.run()
