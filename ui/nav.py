"""Links between pages that tolerate a page not being part of this build."""

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent


def link(page: str, label: str, icon: str | None = None) -> None:
    """st.page_link to `pages/<page>.py`, or plain text when that page does not exist."""
    if (ROOT / "pages" / f"{page}.py").exists():
        st.page_link(f"pages/{page}.py", label=label, icon=icon)
    else:
        st.markdown(f"*{label}*")
