"""Server-wide settings of the training-job runner, from environment variables (no TensorFlow import).

CNN_EXPLAINER_MAX_JOBS    how many networks train at once (default 1 on <= 2 cores, else cores // 2)
CNN_EXPLAINER_TF_THREADS  TensorFlow intra-op threads (default cores - 1, at least 1)
"""

from __future__ import annotations

import os

MAX_JOBS_ENV = "CNN_EXPLAINER_MAX_JOBS"
TF_THREADS_ENV = "CNN_EXPLAINER_TF_THREADS"


def default_max_jobs() -> int:
    """$CNN_EXPLAINER_MAX_JOBS, else 1 on a machine with <= 2 cores, else cores // 2."""
    env = os.environ.get(MAX_JOBS_ENV, "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    cores = os.cpu_count() or 1
    return 1 if cores <= 2 else cores // 2


_tf_configured: bool | None = None


def thread_counts() -> tuple[int, int]:
    """(intra-op, inter-op) TensorFlow threads: $CNN_EXPLAINER_TF_THREADS or cores - 1 (at least 1), and 2."""
    cores = os.cpu_count() or 1
    try:
        intra = int(os.environ.get(TF_THREADS_ENV) or max(1, cores - 1))
    except ValueError:
        intra = max(1, cores - 1)
    return max(1, intra), 2


def set_thread_env() -> None:
    """The same caps through TensorFlow's environment variables (no TF import): call before TF starts,
    e.g. first thing in app.py, so they hold whichever page touches TensorFlow first."""
    intra, inter = thread_counts()
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", str(intra))
    os.environ.setdefault("TF_NUM_INTEROP_THREADS", str(inter))


def configure_tf_threads() -> bool:
    """Cap TensorFlow's thread pools so one training job leaves a core for the web server.

    intra-op = $CNN_EXPLAINER_TF_THREADS or max(1, cores - 1); inter-op = 2. Must run
    before TensorFlow executes its first op; returns False when it came too late.
    """
    global _tf_configured
    if _tf_configured is not None:
        return _tf_configured
    set_thread_env()
    import tensorflow as tf

    intra, inter = thread_counts()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
        _tf_configured = True
    except RuntimeError:  # the TF runtime was already initialised: keep its settings
        _tf_configured = False
    return _tf_configured
