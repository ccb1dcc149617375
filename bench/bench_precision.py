"""Training precision figures: our runner (auto: bfloat16 where the CPU has it) vs plain float32 model.fit,
the fallback when the flags say no bfloat16, accuracy after 3 epochs in both formats, a class queue.

python -m bench precision
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from bench.report import Row, p50
from cnn_core import jobs, precision
from cnn_core.architecture import SEED, SEED_RECIPE

EPOCH = SEED_RECIPE.with_(epochs=1)  # the full 54,000 training images, batch 64
PAIRS = 3
QUEUE_RUNS = 10
QUEUE_RECIPE = SEED_RECIPE.with_(epochs=3, train_size=10_000)


@contextmanager
def _setting(value: str | None, flags: set[str] | None | bool = False):
    """Run with CNN_EXPLAINER_PRECISION = value (None: unset) and, if given, these CPU flags."""
    from cnn_core.nn import precision as nn_precision

    old_env, old_flags = os.environ.get(precision.PRECISION_ENV), precision.cpu_flags
    if value is None:
        os.environ.pop(precision.PRECISION_ENV, None)
    else:
        os.environ[precision.PRECISION_ENV] = value
    if flags is not False:
        precision.cpu_flags = lambda path="/proc/cpuinfo": flags
    nn_precision._RESOLVED.clear()
    try:
        yield
    finally:
        precision.cpu_flags = old_flags
        nn_precision._RESOLVED.clear()
        if old_env is None:
            os.environ.pop(precision.PRECISION_ENV, None)
        else:
            os.environ[precision.PRECISION_ENV] = old_env


def _plain_fit(mnist, recipe, name: str = "float32") -> tuple[float, float]:
    """(seconds of model.fit, test accuracy of its float32 copy), plain Keras, no callbacks."""
    import keras

    from cnn_core.nn.model import as_float32, build_model, compile_model
    from cnn_core.nn.train import fit, prepare

    keras.utils.set_random_seed(recipe.seed)
    data = prepare(mnist, recipe)
    model = compile_model(build_model(SEED, name), recipe)
    t0 = time.perf_counter()
    fit(model, recipe, data)
    seconds = time.perf_counter() - t0
    exact = compile_model(as_float32(model, SEED), recipe)
    return seconds, float(exact.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)[1])


def _runner(mnist, recipe) -> jobs.Job:
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import train

    reg = JobRegistry(train, 1)
    job = reg.wait(reg.submit(SEED, recipe, mnist).id, timeout=1800)
    assert job.state == jobs.DONE, job.message
    return job


def _fit_seconds(job: jobs.Job) -> float:
    """From the runner's first event to its last epoch event (model.fit, as for the plain side)."""
    start = next(e.time for e in job.events if e.kind == "start")
    return [e.time for e in job.events if e.kind == "epoch"][-1] - start


def _ratio_rows(mnist, label: str, target: float, flags) -> Row:
    plain, ours, used = [], [], set()
    with _setting(None, flags):  # auto, as a server runs by default
        for i in range(PAIRS):  # alternated, so neither side always runs on the warmer process
            for side in ("plain", "ours") if i % 2 == 0 else ("ours", "plain"):
                if side == "plain":
                    plain.append(_plain_fit(mnist, EPOCH)[0])
                else:
                    job = _runner(mnist, EPOCH)
                    ours.append(_fit_seconds(job))
                    used.add(job.precision)
    n = jobs.steps_for(EPOCH.train_size, EPOCH) * EPOCH.batch_size
    ratio = p50(ours) / p50(plain)
    return Row(
        f"training throughput, our runner (auto) vs plain float32 model.fit: {label}",
        f"ratio <= {target}",
        n / p50(ours),
        "images/s",
        baseline=n / p50(plain),
        ratio=round(ratio, 3),
        met=ratio <= target,
        notes=f"seed network, 54,000 images x 1 epoch, batch 64, {PAIRS} alternated pairs; auto chose "
        f"{'/'.join(sorted(used))}; runner {p50(ours):.1f} s, fit {p50(plain):.1f} s "
        f"(each: {', '.join(f'{s:.1f}' for s in ours)} vs {', '.join(f'{s:.1f}' for s in plain)})",
    )


def _accuracy_row(mnist) -> Row:
    recipe = SEED_RECIPE.with_(epochs=3)
    s32, a32 = _plain_fit(mnist, recipe, "float32")
    s16, a16 = _plain_fit(mnist, recipe, "bfloat16")
    diff = abs(a16 - a32) * 100
    return Row(
        "test accuracy after 3 epochs of the seed recipe: bfloat16 vs float32, same seed",
        "difference <= 0.3 points",
        a16,
        "accuracy",
        baseline=a32,
        ratio=round(diff, 3),
        met=diff <= 0.3,
        notes=f"seed 0, 54,000 images; bfloat16 {a16:.4f} in {s16:.0f} s, float32 {a32:.4f} in {s32:.0f} s; "
        f"ratio column = difference in percentage points (both scored by a float32 model)",
    )


def _queue_seconds(mnist, setting: str) -> float:
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import train

    with _setting(setting):
        reg = JobRegistry(train, 1)
        t0 = time.perf_counter()
        submitted = [reg.submit(SEED, QUEUE_RECIPE.with_(seed=i), mnist) for i in range(QUEUE_RUNS)]
        for job in submitted:
            assert reg.wait(job.id, timeout=1800).state == jobs.DONE, job.message
        return time.perf_counter() - t0


def _queue_row(mnist) -> Row:
    before = _queue_seconds(mnist, "float32")
    after = _queue_seconds(mnist, "auto")
    return Row(
        f"a class queue: {QUEUE_RUNS} runs of 10,000 images x 3 epochs submitted at once, until the last finishes",
        "report",
        after,
        "s",
        baseline=before,
        ratio=round(after / before, 3),
        notes=f"one training slot (2 cores); float32 {before:.0f} s before, auto {after:.0f} s after",
    )


def run() -> list[Row]:
    from cnn_core.data import load_mnist
    from cnn_core.nn.threads import configure_tf_threads

    configure_tf_threads()  # as the app does, before TensorFlow's first op
    mnist = load_mnist()
    native = precision.choose("auto").name == "bfloat16"
    rows = []
    if native:
        rows.append(_ratio_rows(mnist, "this processor computes bfloat16", 0.6, False))
    rows.append(_ratio_rows(mnist, "flags forced to no bfloat16 (auto falls back to float32)", 1.05, {"avx2"}))
    rows.append(_accuracy_row(mnist))
    rows.append(_queue_row(mnist))
    return rows
