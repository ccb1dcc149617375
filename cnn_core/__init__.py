"""cnn_core: the computation behind the MNIST CNN explainer.

Pure Python/NumPy/SciPy. Never imports streamlit or plotly. The modules that
need no deep-learning framework (architecture, formulas, data, kernels, pooling,
digits, metrics) never import TensorFlow either; `model`, `train` and
`features` import it when they are used.
"""
