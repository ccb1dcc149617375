"""Teacher page server time with a full class: 30 learners x 5 finished runs and 60 drawings.

python -m bench teacher

What is timed (honestly):
- The whole Teacher page script run, as Streamlit's AppTest runs it in this process: the class
  picker, join link and QR code, the live fragment (learners, runs, leaderboard, queue), the curve
  picker, the drawings grid (60 thumbnails), the CSV and .npz downloads. AppTest adds its own cost
  (a script thread, building the element tree), so this is an upper bound on the server's time;
  a one-line page under AppTest is timed alongside as that floor.
- The live fragment's store reads alone (what re-runs every few seconds): class_runs,
  learners_table, queue and the leaderboard.
The database is a fresh SQLite file in a temporary folder (WAL, as the app uses), seeded through
the store's own write path (runs.insert / runs.flush), each run with a per-epoch history, its
per-batch curve, first-layer kernel snapshots and a weights blob the size of the network's.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.report import Row, p50, p95, timeit

LEARNERS, RUNS_EACH, DRAWINGS = 30, 5, 60
N_TIMED = 20
TARGET_MS = 300.0
PAGE = Path(__file__).resolve().parent.parent / "app_pages" / "teacher.py"


def seed(store, learners_n: int = LEARNERS, runs_each: int = RUNS_EACH, drawings_n: int = DRAWINGS):
    """A class of `learners_n` learners with `runs_each` finished runs each and `drawings_n` drawings."""
    from cnn_core import jobs
    from cnn_core.architecture import SEED, TrainingRecipe
    from cnn_core.formulas import layer_table
    from cnn_core.store import drawings, learners, runs, settings_table

    rng = np.random.default_rng(0)
    room = learners.create_class(store, "Benchmark class")
    settings_table.put(store, settings_table.MAX_JOBS, 1)
    block = SEED.conv_blocks[0]
    weights = bytes(4 * layer_table(SEED).total_params)  # float32 weights of the seed network
    people = []
    for i in range(learners_n):
        who, token = learners.join(store, room.code, f"Learner {i + 1:02d}")
        people.append(who)
        for k in range(runs_each):
            epochs, steps = 1 + k % 3, 30
            recipe = TrainingRecipe(epochs=epochs, batch_size=64, train_size=2000, learning_rate=10.0 ** -(2 + k % 3))
            job = jobs.Job(jobs.new_job_id(), SEED, recipe, owner=jobs.owner_hash(token))
            runs.insert(store, job)
            job.state, job.started, job.steps_per_epoch, job.n_train = jobs.RUNNING, time.time(), steps, 1800
            job.add_event("start")
            for e in range(1, epochs + 1):
                for b in range(1, steps + 1):
                    job.add_event("batch", epoch=e, batch=b, logs={"loss": 1 / (e * b), "accuracy": 0.5 + b / 100})
                logs = {"loss": 0.3 / e, "accuracy": 0.9, "val_loss": 0.35 / e, "val_accuracy": 0.89 + e / 100}
                job.history.append({"epoch": e, **logs})
                job.add_event("epoch", epoch=e, batch=steps, logs=logs)
                job.kernels.append(rng.normal(size=(block.kernel_size, block.kernel_size, 1, block.filters)))
            job.state, job.finished = jobs.DONE, time.time()
            job.test_loss, job.test_accuracy = 0.05, float(rng.uniform(0.9, 0.99))
            job.weights = weights
            runs.flush(store, job, final=True)
    for d in range(drawings_n):
        label = int(rng.integers(0, 10))
        pred = [{"model": "shipped", "digit": int(rng.integers(0, 10)), "probability": 0.8}]
        drawings.submit(store, people[d % len(people)], rng.random((28, 28)), label, pred)
    return room


def _page_times(room) -> tuple[list[float], list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    from ui.teacher import figures, guard, inputs, sections

    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state[guard.UNLOCKED] = True
    at.session_state[inputs.CLASS] = room.id

    def once():
        at.session_state[sections.ROWS] = None  # each run reads the class's runs (no 1-second reuse)
        at.run()
        assert not at.exception, at.exception
        assert len(at.get("image")[1].value) == DRAWINGS  # the drawings grid was drawn

    page = timeit(once, n=N_TIMED, warmup=3)

    def cold():
        figures._png.cache_clear()
        figures.qr_png.cache_clear()
        once()

    uncached = timeit(cold, n=5, warmup=0)
    floor_at = AppTest.from_string("import streamlit as st\nst.write('hello')")
    floor = timeit(floor_at.run, n=N_TIMED, warmup=3)
    return page, floor, uncached


def _fragment_reads(store, room) -> list[float]:
    from cnn_core.store import views

    def reads():
        rows = views.class_runs(store, room.id)
        views.learners_table(store, room.id)
        views.queue(store)
        views.leaderboard(rows)
        assert len(rows) == LEARNERS * RUNS_EACH

    return timeit(reads, n=50, warmup=3)


def run() -> list[Row]:
    from cnn_core.store.migrate import open_store
    from ui.store import store as cached_store

    old = os.environ.get("CNN_EXPLAINER_DB")
    with tempfile.TemporaryDirectory(prefix="bench-teacher-") as tmp:
        os.environ["CNN_EXPLAINER_DB"] = f"sqlite:///{tmp}/teacher.sqlite3"
        cached_store.clear()  # the page opens this database, not one cached by an earlier area
        try:
            db = open_store()
            t0 = time.perf_counter()
            room = seed(db)
            seeding = time.perf_counter() - t0
            size_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
            page, floor, uncached = _page_times(room)
            reads = _fragment_reads(db, room)
            db.dispose()
        finally:
            cached_store.clear()
            if old is None:
                os.environ.pop("CNN_EXPLAINER_DB", None)
            else:
                os.environ["CNN_EXPLAINER_DB"] = old
    seeded = f"{LEARNERS} learners x {RUNS_EACH} finished runs, {DRAWINGS} drawings; SQLite {size_mb:.0f} MB"
    return [
        Row(
            f"Teacher page, one whole script run (AppTest), {seeded}",
            f"<= {TARGET_MS:.0f} ms",
            round(p50(page), 1),
            "ms",
            p95=round(p95(page), 1),
            baseline=round(p50(floor), 1),
            met=p50(page) <= TARGET_MS and p95(page) <= TARGET_MS,
            notes=f"{N_TIMED} runs after 3 warm-up; baseline: a one-line page under AppTest (its floor); "
            f"seeding through runs.insert/flush took {seeding:.1f} s",
        ),
        Row(
            "Teacher page, a script run with the thumbnails and QR code not yet encoded (first visit of a class)",
            "report",
            round(p50(uncached), 1),
            "ms",
            p95=round(max(uncached), 1),
            notes="each drawing's PNG and the QR code are encoded once per server process, then reused; "
            "5 runs, p95 column = max",
        ),
        Row(
            "Teacher page, live tables' store reads (class_runs + learners_table + queue + leaderboard)",
            "report",
            round(p50(reads), 2),
            "ms",
            p95=round(p95(reads), 2),
            notes=f"what the fragment re-reads every few seconds; {LEARNERS * RUNS_EACH} runs, 50 calls",
        ),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
