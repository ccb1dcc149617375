"""The TensorFlow/Keras side of cnn_core: building, reading, checking and training real models.

The only package that imports TensorFlow; every module directly in cnn_core/ stays free of it
(tests/unit/test_layout.py checks this by reading the files).
"""
