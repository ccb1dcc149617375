"""Page tests: every page run through Streamlit's AppTest (no browser)."""
