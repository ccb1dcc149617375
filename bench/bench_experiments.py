"""Guided experiments (cnn_core.experiments): each one's variants trained one after another as the app trains
them (the job runner, progress written to an SQLite store), timed from the first variant's submission to
the last one's end. Target: under a minute per experiment on the 2-core server; the baseline column is
the estimate the Train page quotes (cnn_core.experiments.expected_seconds).

python -m bench experiments
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from bench.report import Row, p50
from cnn_core import jobs
from cnn_core.experiment_results import outcome, summary
from cnn_core.experiments import EXPERIMENTS, Step, expected_seconds

REPEATS = 3
TARGET_SECONDS = 60.0


def _registry(store):
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import train
    from cnn_core.store.sync import RunWriter

    return JobRegistry(train, 1, writer=RunWriter(store, worker="bench"))


def _run(reg, exp, mnist, owner: str) -> tuple[float, list[jobs.Job]]:
    """Seconds from the first variant's submission to the last one's end, and the finished runs."""
    t0, done = time.perf_counter(), []
    for v in exp.variants:
        job = reg.wait(reg.submit(v.arch, v.recipe, mnist, owner=owner).id, timeout=600)
        assert job.state in (jobs.DONE, jobs.NAN), f"{exp.key}/{v.name}: {job.state} {job.message}"
        done.append(job)
    return time.perf_counter() - t0, done


def run() -> list[Row]:
    from cnn_core.data import load_mnist
    from cnn_core.store.migrate import open_store

    mnist = load_mnist()
    times: dict[str, list[float]] = {k: [] for k in EXPERIMENTS}
    sentences: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/store.sqlite3")
        t0 = time.perf_counter()
        reg = _registry(store)  # imports TensorFlow
        first = EXPERIMENTS["pooling"].variants[0]
        reg.wait(reg.submit(first.arch, first.recipe.with_(epochs=1), mnist, owner="w" * 32).id, timeout=600)
        cold = time.perf_counter() - t0  # TensorFlow's import and first model: once per server process
        for i in range(REPEATS):
            for key, exp in EXPERIMENTS.items():
                seconds, done = _run(reg, exp, mnist, owner=f"{i:x}{key}".ljust(32, "0")[:32])
                times[key].append(seconds)
                outs = [outcome(Step(v, j), j) for v, j in zip(exp.variants, done, strict=True)]
                sentences[key] = summary(exp, outs)
                print(f"  {key} #{i + 1}: {seconds:.1f} s. {sentences[key]}", flush=True)
        store.dispose()
    load = os.getloadavg()[0]
    rows = [
        Row(
            "a server process's first run: TensorFlow imported, then 1 epoch of the small network on 2,000 images",
            "report",
            round(cold, 1),
            "s",
            notes="paid once per server process, by whichever run comes first",
        )
    ]
    for key, exp in EXPERIMENTS.items():
        measured, estimate = p50(times[key]), expected_seconds(exp)
        rows.append(
            Row(
                f"guided experiment '{exp.title}': its {len(exp.variants)} run(s) one after another, "
                "first submitted to last finished",
                f"<= {TARGET_SECONDS:.0f} s",
                round(measured, 1),
                "s",
                p95=round(max(times[key]), 1),
                baseline=round(estimate, 1),
                ratio=round(measured / estimate, 2),
                met=max(times[key]) <= TARGET_SECONDS,
                notes=f"baseline: the estimate the page quotes; {REPEATS} repeats, load average {load:.1f} "
                f"(other work on the machine); the page adds up to one poll (1.5 s) between runs. Last result: "
                + sentences[key].replace("|", "/"),
            )
        )
    total = sum(statistics.median(t) for t in times.values())
    print(f"  all six, medians summed: {total:.0f} s", flush=True)
    return rows
