"""Streamlit/plotly helpers shared by the pages: cached resources, figures, error display. No maths here."""
