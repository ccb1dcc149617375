"""Unit tests: cnn_core on small synthetic data and the real MNIST (no Streamlit)."""
