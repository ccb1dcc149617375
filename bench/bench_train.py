"""Training and evaluation figures: the job runner vs plain model.fit, test-set evaluation, latency while training.

python -m bench train
"""

from __future__ import annotations

import tempfile
import time

import numpy as np

from bench.report import Row, p50, p95, timeit
from cnn_core import jobs, metrics, settings
from cnn_core.architecture import SEED, SEED_RECIPE

RECIPE = SEED_RECIPE.with_(epochs=1, train_size=10_000)
REPEATS = 3


def _plain_fit_seconds(mnist) -> float:
    """model.fit alone (no callbacks), same data, same seed."""
    import keras

    from cnn_core.nn.model import build_model, compile_model
    from cnn_core.nn.train import fit, prepare

    keras.utils.set_random_seed(RECIPE.seed)
    data = prepare(mnist, RECIPE)
    model = compile_model(build_model(SEED), RECIPE)
    t0 = time.perf_counter()
    fit(model, RECIPE, data)
    return time.perf_counter() - t0


def _job_fit_seconds(mnist) -> float:
    """The same training through the job runner as the app runs it (its progress written to an SQLite
    store every second by cnn_core.store.sync): from its first event to its last epoch event."""
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import train
    from cnn_core.store.migrate import open_store
    from cnn_core.store.sync import RunWriter

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/store.sqlite3")
        reg = JobRegistry(train, 1, writer=RunWriter(store, worker="bench"))
        job = reg.wait(reg.submit(SEED, RECIPE, mnist, owner="b" * 32).id, timeout=600)
        store.dispose()
    assert job.state == jobs.DONE, job.message
    start = next(e.time for e in job.events if e.kind == "start")
    end = [e.time for e in job.events if e.kind == "epoch"][-1]
    return end - start


def _throughput(mnist) -> list[Row]:
    """The runner's own cost, both sides in float32 (bench_precision measures bfloat16 against this)."""
    from bench.bench_precision import _setting

    with _setting("float32"):
        return _throughput_float32(mnist)


def _throughput_float32(mnist) -> list[Row]:
    plain, runner = [], []
    for i in range(REPEATS):  # alternate the order so neither side always runs on a warmer process
        pair = (_plain_fit_seconds, _job_fit_seconds) if i % 2 == 0 else (_job_fit_seconds, _plain_fit_seconds)
        for fn in pair:
            (plain if fn is _plain_fit_seconds else runner).append(fn(mnist))
    n = jobs.steps_for(RECIPE.train_size, RECIPE) * RECIPE.batch_size
    ratio = p50(runner) / p50(plain)
    return [
        Row(
            "training throughput: job runner (per-batch progress events, cancel checks, progress written to "
            "the store) vs plain model.fit",
            "ratio <= 1.05",
            n / p50(runner),
            "images/s",
            baseline=n / p50(plain),
            ratio=round(ratio, 3),
            met=ratio <= 1.05,
            notes=f"seed network, 10,000 images x 1 epoch, batch 64, float32 both, {REPEATS} alternating runs each; "
            f"ratio = runner time / fit time (runner {p50(runner):.1f} s, fit {p50(plain):.1f} s)",
        )
    ]


def _evaluate(model, x_test) -> Row:
    ms = timeit(lambda: metrics.predict_in_batches(model, x_test), n=5, warmup=1)
    return Row(
        "evaluate the 10,000 test images (model(x, training=False) in batches of 1000)",
        "<= 3 s",
        p50(ms) / 1000,
        "s",
        p95=p95(ms) / 1000,
        met=p50(ms) <= 3000,
        notes="shipped seed model",
    )


def _latency(model, mnist, x1) -> list[Row]:
    """Batch-1 prediction latency with no training, then while one training job runs."""
    call = lambda: model(x1, training=False)  # noqa: E731
    idle = timeit(call, n=60, warmup=5)
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import train

    reg = JobRegistry(train, 1)
    job = reg.submit(SEED, SEED_RECIPE.with_(epochs=1), mnist)
    while job.state == jobs.RUNNING and not any(e.kind == "batch" for e in job.events[-3:]):
        time.sleep(0.1)  # wait until it is really training
    busy = timeit(call, n=100, warmup=5)
    still = job.state == jobs.RUNNING
    reg.cancel(job.id)
    reg.wait(job.id, timeout=120)
    threads = settings.thread_counts()[0]
    return [
        Row(
            "batch-1 prediction, model(x, training=False), no training running",
            "report",
            p50(idle),
            "ms",
            p95=p95(idle),
            notes="shipped seed model",
        ),
        Row(
            "batch-1 prediction while one training job runs (what the Draw page feels)",
            "p95 <= 100 ms",
            p50(busy),
            "ms",
            p95=p95(busy),
            baseline=p50(idle),
            ratio=round(p50(busy) / p50(idle), 2),
            met=p95(busy) <= 100 and still,
            notes=f"training the seed network on 60,000 images meanwhile; TF intra-op threads {threads}"
            + ("" if still else "; the job ended before the measurement finished"),
        ),
    ]


def run() -> list[Row]:
    from cnn_core.nn.threads import configure_tf_threads

    configure_tf_threads()  # as the app does, before TensorFlow's first op
    from cnn_core.data import load_mnist
    from cnn_core.nn.model import load_model
    from cnn_core.preprocess import to_model_input

    mnist = load_mnist()
    model = load_model()
    x_test = to_model_input(mnist[1][0])
    rows = _throughput(mnist)
    rows.append(_evaluate(model, x_test))
    rows += _latency(model, mnist, np.ascontiguousarray(x_test[7349:7350]))
    return rows
