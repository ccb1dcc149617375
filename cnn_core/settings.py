"""Server-wide settings of the training-job runner, from environment variables (no TensorFlow import).

CNN_EXPLAINER_MAX_JOBS    how many networks train at once (default 1 on <= 2 cores, else cores // 2)
CNN_EXPLAINER_TF_THREADS  TensorFlow intra-op threads (default cores - 1, at least 1)
CNN_EXPLAINER_MAX_PARAMS, _MAX_TRAIN_MB, _MAX_EPOCH_SECONDS  what one network may cost (see below)
CNN_EXPLAINER_MODEL_CACHE trained Keras models kept in memory at once
CNN_EXPLAINER_RUNS_KEPT   training runs kept per learner in the store (default 20; older ones are deleted)
CNN_DRAW_XLA              0 turns off XLA for the Draw page's model call (default on)
CNN_EXPLAINER_DASK_SCHEDULER  tcp://host:8786: train on that Dask cluster (default: here, in this process)
CNN_EXPLAINER_STALE_SECONDS   a run silent this long is marked interrupted (default 60)
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


# Limits on what one training run may cost the server. Each can be changed with its environment
# variable; `cnn_core.costs.training_refusal` applies them, the Train page and the runner both ask it.
MAX_PARAMS_ENV = "CNN_EXPLAINER_MAX_PARAMS"
MAX_TRAIN_MB_ENV = "CNN_EXPLAINER_MAX_TRAIN_MB"
MAX_EPOCH_SECONDS_ENV = "CNN_EXPLAINER_MAX_EPOCH_SECONDS"
MODEL_CACHE_ENV = "CNN_EXPLAINER_MODEL_CACHE"

# Measured here: the seed network (2.8 million multiply-adds per image) trains 54,000 images in
# 12-13 s with one TensorFlow thread, about 3.6e10 multiply-adds a second counting forward and
# backward passes (3x the forward cost); a little slower is assumed so the estimate errs long.
TRAIN_MACS_PER_SECOND = 3.0e10
SECONDS_PER_BATCH = 0.004  # Keras' own per-step overhead, whatever the network

# Finished runs the registry keeps for sessions that come back (a reload); sessions that still show
# a run keep it alive longer themselves.
FINISHED_KEEP = 30
FINISHED_KEEP_SECONDS = 600.0


def _env_number(name: str, default: float, kind=int):
    try:
        value = kind(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_params() -> int:
    """$CNN_EXPLAINER_MAX_PARAMS, default 20,000,000 (80 MB of float32 weights, ~320 MB with Adam)."""
    return _env_number(MAX_PARAMS_ENV, 20_000_000)


def max_train_bytes() -> int:
    """$CNN_EXPLAINER_MAX_TRAIN_MB (default 2048) in bytes: the estimated memory one run may take."""
    return _env_number(MAX_TRAIN_MB_ENV, 2048) * 2**20


def max_epoch_seconds() -> float:
    """$CNN_EXPLAINER_MAX_EPOCH_SECONDS (default 600): the estimated time one epoch may take."""
    return _env_number(MAX_EPOCH_SECONDS_ENV, 600.0, float)


def model_cache_size() -> int:
    """$CNN_EXPLAINER_MODEL_CACHE (default 8): trained Keras models kept in memory at once; the others
    are rebuilt from their saved weights when asked for."""
    return _env_number(MODEL_CACHE_ENV, 8)


RUNS_KEPT_ENV = "CNN_EXPLAINER_RUNS_KEPT"


def runs_kept() -> int:
    """$CNN_EXPLAINER_RUNS_KEPT (default 20): runs kept per learner; starting one more deletes the oldest
    finished run (and its model), so one learner cannot fill the server's disk."""
    return max(1, _env_number(RUNS_KEPT_ENV, 20))


DRAW_XLA_ENV = "CNN_DRAW_XLA"


def draw_xla() -> bool:
    """$CNN_DRAW_XLA (default on; "0" turns it off): compile the Draw page's model call with XLA.

    XLA compiles the whole read into one kernel: ~3 ms either way on an idle machine, but on a
    busy 2-core server the plain graph waits for the thread pool at every op (150-600 ms measured
    after an idle pause), the compiled one does not (~12 ms). It costs a few seconds of compiling
    per model, which `cnn_core.nn.features.warm_up` does in the background.
    """
    return os.environ.get(DRAW_XLA_ENV, "1").strip() != "0"


DASK_SCHEDULER_ENV = "CNN_EXPLAINER_DASK_SCHEDULER"
DASK_CONNECT_SECONDS = 3.0  # how long the app waits for the scheduler before training here instead
DASK_RETRY_SECONDS = 30.0  # how often an unreachable scheduler is tried again (in the background)


def dask_scheduler() -> str | None:
    """$CNN_EXPLAINER_DASK_SCHEDULER (e.g. tcp://10.0.0.5:8786): train on that Dask cluster; None (the
    default): train in this process's own queue (cnn_core.job_registry)."""
    return os.environ.get(DASK_SCHEDULER_ENV, "").strip() or None


STALE_SECONDS_ENV = "CNN_EXPLAINER_STALE_SECONDS"


def stale_seconds() -> float:
    """$CNN_EXPLAINER_STALE_SECONDS (default 60): an active run whose trainer wrote nothing (no progress,
    no heartbeat) for this long is marked interrupted: the machine or process training it stopped."""
    return _env_number(STALE_SECONDS_ENV, 60.0, float)
