"""Cap TensorFlow's thread pools (the numbers come from cnn_core.settings)."""

from __future__ import annotations

import tensorflow as tf

from cnn_core.settings import set_thread_env, thread_counts

_tf_configured: bool | None = None


def configure_tf_threads() -> bool:
    """Cap TensorFlow's thread pools so one training job leaves a core for the web server.

    intra-op = $CNN_EXPLAINER_TF_THREADS or max(1, cores - 1); inter-op = 2. Must run
    before TensorFlow executes its first op; returns False when it came too late.
    """
    global _tf_configured
    if _tf_configured is not None:
        return _tf_configured
    set_thread_env()
    intra, inter = thread_counts()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
        _tf_configured = True
    except RuntimeError:  # the TF runtime was already initialised: keep its settings
        _tf_configured = False
    return _tf_configured
