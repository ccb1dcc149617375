"""The router: one st.navigation over the pages in pages/, and the shared sidebar.

Run with `streamlit run app.py`.
"""

import streamlit as st

from ui.errors import friendly_errors

st.set_page_config(page_title="How a CNN sees MNIST", page_icon=":material/visibility:", layout="wide")

# Each page registers here, in its section. Keep one line per page.
PAGES = {
    "Learn": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/dataset:"),
        st.Page("pages/kernels.py", title="Kernels", icon=":material/filter:"),
        st.Page("pages/architecture.py", title="Architecture", icon=":material/account_tree:"),
    ],
    "Train": [
        st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/analytics:"),
    ],
    "Play": [st.Page("pages/draw.py", title="Draw", icon=":material/draw:")],
}

page = st.navigation(PAGES)
with st.sidebar:
    st.caption("Every number in this app is computed live from the real MNIST data and the real Keras model.")
with friendly_errors(page.title):
    page.run()
