"""Links between pages."""

import streamlit as st


def link(page: str, label: str, icon: str | None = None) -> None:
    """st.page_link to `app_pages/<page>.py`."""
    st.page_link(f"app_pages/{page}.py", label=label, icon=icon)
