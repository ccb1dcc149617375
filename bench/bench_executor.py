"""Should the embedded default train in a separate process (a Dask LocalCluster) instead of a thread?

    python -m bench executor

This process plays the app server: it holds the shipped model and its Draw-page reader
(cnn_core.nn.features.FeatureReader.read, the one model call a drawing costs). A training run of the
seed network (10,000 images, batch 64) trains meanwhile, either
- "thread": in a thread of this process (cnn_core.job_registry.JobRegistry, today's default), or
- "process": on a Dask LocalCluster of one worker process with one thread (processes=True), through
  the same executor the app uses for a cluster (cnn_core.executor.DaskExecutor + cnn_core.nn.remote).
Measured while the run is in its training phase: the read's latency (one read every 50 ms, like a
class drawing), and the resident memory (RSS) of this process and of every process it started.
The modes alternate (thread, process, thread, process): the machine is shared with other work.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time

import psutil

from bench.report import Row, p50, p95
from cnn_core import jobs
from cnn_core.architecture import SEED, SEED_RECIPE

RECIPE = SEED_RECIPE.with_(epochs=3, train_size=10_000)
READS, GAP_S, ROUNDS = 80, 0.05, 3
OWNER = "e" * 32


def _mb(procs) -> float:
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


class Peak:
    """Samples the RSS of this process (and, separately, its children) every 0.2 s; keeps the peaks."""

    def __init__(self):
        self.me = psutil.Process()
        self.app = self.children = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            self.app = max(self.app, _mb([self.me]))
            self.children = max(self.children, _mb(self.me.children(recursive=True)))
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _reads(reader, image) -> list[float]:
    out = []
    for _ in range(READS):
        t0 = time.perf_counter()
        reader.read(image)
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(GAP_S)
    return out


def _wait_training(check, timeout=300) -> None:
    t0 = time.monotonic()
    while not check():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError("the run never reached its training phase")
        time.sleep(0.2)


def _thread_round(store, mnist, reader, image) -> dict:
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.runner import release_memory, train
    from cnn_core.store.sync import RunWriter

    before = _mb([psutil.Process()])
    reg = JobRegistry(train, 1, when_idle=release_memory, writer=RunWriter(store, worker="bench:thread"))
    peak = Peak()
    job = reg.submit(SEED, RECIPE, mnist, owner=OWNER)
    _wait_training(lambda: any(e.kind == "batch" for e in job.events[-3:]))
    ms = _reads(reader, image)
    still = job.state == jobs.RUNNING
    reg.cancel(job.id)
    reg.wait(job.id, timeout=300)
    reg.writer.interval = 3600  # its thread idles from its next round on (the store goes at the end)
    peak.stop()
    time.sleep(2)
    return _round_result(ms, still, before, peak)


def _round_result(ms, still: bool, before: float, peak) -> dict:
    """One round's figures: the reads' times, whether training still ran, this process's and its
    children's memory before, at the peak and now."""
    return {
        "ms": ms,
        "still": still,
        "app_before": before,
        "app_peak": peak.app,
        "others_peak": peak.children,
        "app_after": _mb([psutil.Process()]),
        "others_after": _mb(psutil.Process().children(recursive=True)),
    }


def _process_round(store, reader, image) -> dict:
    from distributed import LocalCluster

    from cnn_core.executor import DaskExecutor, Trainers
    from cnn_core.job_registry import JobRegistry
    from cnn_core.nn.remote import train_run
    from cnn_core.store import runs
    from cnn_core.store.sync import RunWriter

    before = _mb([psutil.Process()])
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        local = JobRegistry(lambda *a: None, 1, writer=RunWriter(store, worker="bench:process"))
        trainers = Trainers(local, DaskExecutor(cluster.scheduler_address, store, train_run))
        trainers.dask.client.run(lambda: __import__("cnn_core.nn.runner"))  # a warm worker, as the app would keep
        assert trainers.where().executor == "dask"
        peak = Peak()
        job = trainers.submit(SEED, RECIPE, None, owner=OWNER)
        _wait_training(lambda: (r := runs.load(store, job.id)).state == jobs.RUNNING and r.progress()["done"] > 0)
        ms = _reads(reader, image)
        still = runs.load(store, job.id, curve=False).state == jobs.RUNNING
        runs.request_cancel(store, job.id)
        _wait_training(lambda: runs.load(store, job.id, curve=False).state in jobs.TERMINAL)
        peak.stop()
        time.sleep(2)
        out = _round_result(ms, still, before, peak)
        local.writer.also.clear()
        local.writer.interval = 3600
        trainers.dask.client.close()
    return out


def measure() -> dict:
    from cnn_core.nn.threads import configure_tf_threads

    configure_tf_threads()  # as the app does, before TensorFlow's first op
    from cnn_core.data import load_mnist
    from cnn_core.nn.features import reader_for
    from cnn_core.nn.model import load_model
    from cnn_core.preprocess import to_model_input
    from cnn_core.store.migrate import open_store

    mnist = load_mnist()
    reader = reader_for(load_model())
    image = to_model_input(mnist[1][0][7349:7350])[0, ..., 0]
    for _ in range(5):
        reader.read(image)  # compiled (XLA) before anything is timed
    out: dict = {"idle": [], "thread": [], "process": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/store.sqlite3")
        for i in range(ROUNDS):
            out["idle"].append({"ms": _reads(reader, image)})
            for mode in ("thread", "process") if i % 2 == 0 else ("process", "thread"):
                r = (
                    _thread_round(store, mnist, reader, image)
                    if mode == "thread"
                    else _process_round(store, reader, image)
                )
                out[mode].append(r)
                print(
                    f"  {mode}: read p50 {p50(r['ms']):.1f} ms p95 {p95(r['ms']):.1f} ms, "
                    f"app RSS {r['app_before']:.0f} -> peak {r['app_peak']:.0f} -> {r['app_after']:.0f} MB, "
                    f"other processes peak {r['others_peak']:.0f} MB",
                    flush=True,
                )
        time.sleep(1.5)  # the writers' last rounds, before the store's folder goes
        store.dispose()
    out["load"] = os.getloadavg()[0]
    return out


def run() -> list[Row]:
    m = measure()
    idle = [x for r in m["idle"] for x in r["ms"]]
    ms = {mode: [x for r in m[mode] for x in r["ms"]] for mode in ("thread", "process")}
    still = all(r["still"] for mode in ("thread", "process") for r in m[mode])

    def worst(mode, key):
        return max(r[key] for r in m[mode])

    note = (
        f"{ROUNDS} rounds per mode, alternating; the machine was shared with other work (load average {m['load']:.1f})"
        + ("" if still else "; a run ended before its reads did")
    )
    rows = [
        Row(
            "Draw-page model call (FeatureReader.read, batch 1), nothing training",
            "report",
            p50(idle),
            "ms",
            p95=p95(idle),
            notes="shipped model, XLA; one read every 50 ms",
        ),
    ]
    for mode, words in (
        ("thread", "in a thread of the app process (the default)"),
        ("process", "in a separate process (Dask LocalCluster, 1 worker x 1 thread)"),
    ):
        rows.append(
            Row(
                f"Draw-page model call while a run trains {words}",
                "p95 <= 100 ms",
                p50(ms[mode]),
                "ms",
                p95=p95(ms[mode]),
                baseline=p50(idle),
                ratio=round(p50(ms[mode]) / p50(idle), 2),
                met=p95(ms[mode]) <= 100,
                notes=f"seed network, 10,000 images, batch 64, meanwhile; {note}",
            )
        )
    t = m["thread"]
    rows += [
        Row(
            "memory while a run trains in a thread: app process RSS (peak)",
            "report",
            worst("thread", "app_peak"),
            "MB",
            notes=f"before the run {min(r['app_before'] for r in t):.0f} MB; after it "
            f"{worst('thread', 'app_after'):.0f} MB (runner.release_memory ran)",
        ),
        Row(
            "memory while a run trains in a separate process: app + worker processes RSS (peak)",
            "report",
            worst("process", "app_peak") + worst("process", "others_peak"),
            "MB",
            baseline=worst("thread", "app_peak"),
            ratio=round(
                (worst("process", "app_peak") + worst("process", "others_peak")) / worst("thread", "app_peak"), 2
            ),
            notes=f"app process {worst('process', 'app_peak'):.0f} MB (the scheduler runs in it) + worker and nanny "
            f"{worst('process', 'others_peak'):.0f} MB; after the run: app {worst('process', 'app_after'):.0f} MB, "
            f"worker and nanny {worst('process', 'others_after'):.0f} MB (a warm worker stays)",
        ),
    ]
    return rows
