"""The stack under a class: learners drawing through HAProxy on two app replicas while others train on Dask.

    python -m bench stack

Starts the whole stack on loopback (tests/support/stack.py: PostgreSQL, a Dask scheduler with 1, then
2 workers, two app processes, HAProxy) once per worker count. In one headless Chromium, SESSIONS
learners of one class draw on the Draw page (bench/classroom.py's learner: real mouse strokes, mouse
release to "Prediction" shown, every third drawing sent to the class) while TRAINERS more learners
each train short runs one after another (2,000 images, 1 epoch) for SECONDS. New browsers are spread
over the two replicas by HAProxy (round robin, then sticky).

Reports: prediction latency p50/p95, errors (pages, the processes' logs, runs not done: must be 0),
runs finished per minute (from the database's finish times) with 1 and 2 workers, a run's seconds on
a worker, and each process kind's peak resident memory (a Dask worker with its child process,
PostgreSQL with its children). Everything, browsers included, shares this machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from dataclasses import dataclass, field

from bench.classroom import CHROMIUM_FLAGS, Result, _idle, _join, _learner, chromium_path
from bench.report import Row, p50, p95
from tests.support.stack import Stack

SESSIONS = int(os.environ.get("STACK_SESSIONS", 10))
TRAINERS = int(os.environ.get("STACK_TRAINERS", 4))
QUEUE = int(os.environ.get("STACK_QUEUE", 6))  # short runs pressed at once in the queue phase (no browsers)
SECONDS = float(os.environ.get("STACK_SECONDS", 120))
KEY = "bench-stack-teacher-key"
STAGGER = 2.0  # seconds between two learners' arrivals
LOG_PROBLEMS = ("Traceback", "database is locked", "is DOWN")  # a live replica taken out counts too


@dataclass
class Outcome:
    workers: int
    res: Result
    runs_done: int = 0
    window_s: float = 0.0
    run_seconds: list[float] = field(default_factory=list)
    train_seconds: list[float] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    peak_mb: dict[str, float] = field(default_factory=dict)
    warm_app_mb: float = 0.0
    t_start: float = 0.0  # when the learners started (after the warm-up)
    log_errors: list[str] = field(default_factory=list)
    queue_s: float = 0.0  # the queue phase: from pressing QUEUE runs at once to the last one done
    queue_train: list[float] = field(default_factory=list)  # each queued run's training seconds


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a Dask worker's nanny spawns the worker)."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _kinds(stack: Stack) -> dict[str, list[int]]:
    pm = stack.postgres.data / "postmaster.pid"
    return {
        "app process": [a.proc.pid for a in stack.apps],
        "Dask worker": [w.pid for w in stack.dask.workers],
        "Dask scheduler": [stack.dask.scheduler.pid],
        "HAProxy": [stack.haproxy.proc.pid],
        "PostgreSQL (all its processes)": [int(pm.read_text().split()[0])],
    }


async def _short_run(page) -> None:
    """The Train page's shortest run: 2,000 images, 1 epoch (tests/support/train_page.py, async)."""
    await page.get_by_text("2,000", exact=True).click()
    await _idle(page)
    epochs = page.get_by_test_id("stSlider").filter(has_text="Epochs").get_by_role("slider")
    await epochs.focus()
    for _ in range(2):
        await epochs.press("ArrowLeft")
    await _idle(page)


async def _trainer(i: int, browser, url: str, until: float, res: Result, code: str) -> None:
    """A learner who trains short runs one after another until `until`."""
    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    try:
        await _join(page, url, "train", code, f"trainer {i + 1}")
        await _short_run(page)
        n = 0
        while time.time() < until:
            await page.get_by_role("button", name="Start training").click()
            n += 1
            await page.get_by_text(re.compile(rf"Run {n}: .* finished in")).first.wait_for(timeout=600_000)
            await _idle(page)
    except Exception as e:  # noqa: BLE001 - every failure is counted as an error
        res.errors.append(f"trainer {i}: {type(e).__name__}: {str(e)[:200]}")
    finally:
        await ctx.close()


async def _warm(browser, stack: Stack) -> None:
    """Open the Draw page once on each replica directly (TensorFlow, the model, its compiled reader)."""
    for app in stack.apps:
        ctx = await browser.new_context()
        page = await ctx.new_page()
        await page.goto(f"{app.url}/draw")
        await _idle(page, 180_000)
        await page.locator("canvas.upper-canvas").first.wait_for(timeout=180_000)
        await ctx.close()


async def _after(seconds: float, coro) -> None:
    """Learners arrive one after another, not in the same instant (as a class does)."""
    await asyncio.sleep(seconds)
    await coro


async def _class(stack: Stack, code: str, out: Outcome) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        await _warm(browser, stack)
        out.warm_app_mb = max(_tree_rss_mb(pid) for pid in _kinds(stack)["app process"])
        out.t_start = time.time()
        until = out.t_start + SECONDS
        people = [_learner(i, browser, stack.url, until, out.res, code) for i in range(SESSIONS)]
        people += [_trainer(i, browser, stack.url, until, out.res, code) for i in range(TRAINERS)]
        await asyncio.gather(*(_after(i * STAGGER, person) for i, person in enumerate(people)))
        await browser.close()


def _settle(store, timeout: float = 600) -> None:
    """Wait until no run is queued or running (the trainers' last runs end after their browsers)."""
    from sqlalchemy import func, select

    from cnn_core.store.tables import Run

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.session() as s:
            if not s.scalar(select(func.count()).select_from(Run).where(Run.active)):
                return
        time.sleep(1)


def _queue(stack: Stack, store, code: str, out: Outcome) -> None:
    """The workers' own throughput, without browsers on the cores: QUEUE short runs (2,000 images,
    1 epoch, the seed network) pressed at once through the app's Dask executor, timed until the
    last one is done. Failed or unfinished runs count as errors."""
    import dataclasses

    from cnn_core import jobs
    from cnn_core.architecture import SEED, SEED_RECIPE
    from cnn_core.executor import DaskExecutor
    from cnn_core.nn.remote import train_run
    from cnn_core.store import learners, runs

    keys = [learners.join(store, code, f"queue {i + 1}")[1] for i in range(QUEUE)]  # one active run per learner
    executor = DaskExecutor(stack.dask.address, store, train_run, timeout=30)
    assert executor.connect(), "the scheduler did not answer"
    recipe = dataclasses.replace(SEED_RECIPE, train_size=2000, epochs=1)
    t0 = time.time()
    ids = []
    for key in keys:
        job = jobs.Job(jobs.new_job_id(), SEED, recipe, owner=jobs.owner_hash(key))
        executor.submit(job)
        ids.append(job.id)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        final = [runs.load(store, i, curve=False) for i in ids]
        if all(r.state in jobs.TERMINAL for r in final):
            break
        time.sleep(0.5)
    done = [r for r in final if r.state == jobs.DONE]
    out.not_done += [f"queued {r.id}: {r.state} {r.message}"[:120] for r in final if r.state != jobs.DONE]
    out.queue_s = max((r.finished for r in done), default=time.time()) - t0
    out.queue_train = [r.phase_seconds.get("training", 0.0) for r in done]
    if executor.client is not None:
        executor.client.close()


def one(workers: int) -> Outcome:
    """One class on a fresh stack with `workers` Dask workers."""
    from sqlalchemy import select

    from cnn_core.store import learners
    from cnn_core.store.migrate import open_store
    from cnn_core.store.tables import Run

    out = Outcome(workers, Result())
    with Stack(replicas=2, dask_workers=workers, env={"CNN_EXPLAINER_TEACHER_KEY": KEY}) as stack:
        store = open_store(stack.db_url)
        code = learners.create_class(store, "Benchmark class").code
        kinds = _kinds(stack)
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                for kind, pids in kinds.items():
                    out.peak_mb[kind] = max(out.peak_mb.get(kind, 0.0), *(_tree_rss_mb(p) for p in pids))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            asyncio.run(_class(stack, code, out))
        finally:
            stop.set()
            sampler.join()
        t1, t0 = time.time(), out.t_start
        _settle(store)
        with store.session() as s:
            runs = list(s.scalars(select(Run)))
        _queue(stack, store, code, out)
        store.dispose()
        done = [r for r in runs if r.state == "done" and r.finished >= t0]
        out.not_done = [f"{r.label}: {r.state} {r.message}"[:120] for r in runs if r.state != "done"]
        out.window_s = max([min(t1 - t0, SECONDS)] + [r.finished - t0 for r in done])
        out.runs_done = len(done)
        out.run_seconds = [r.finished - r.started for r in done]
        out.train_seconds = [r.phase_seconds.get("training", 0.0) for r in done]
        for log in stack.state.glob("*.log"):
            text = log.read_text(errors="replace")
            out.log_errors += [
                f"{log.name}: {ln[:150]}" for ln in text.splitlines() if any(p in ln for p in LOG_PROBLEMS)
            ]
    return out


def _rate_row(figure: str, rate: dict[int, float], n: int, notes: str) -> Row:
    """Runs per minute with `n` workers; with 2, the ratio to 1 worker."""
    return Row(
        figure,
        "report",
        rate[n],
        "runs/min",
        baseline=rate[1] if n == 2 else None,
        ratio=rate[2] / rate[1] if n == 2 and rate[1] else None,
        notes=notes,
    )


def run() -> list[Row]:
    outs = {n: one(n) for n in (1, 2)}
    two = outs[2]
    lat = two.res.latencies_ms
    rate = {n: o.runs_done / (o.window_s / 60) for n, o in outs.items()}
    errors = [" ".join(e.split()) for o in outs.values() for e in o.res.errors + o.log_errors + o.not_done]
    load = os.getloadavg()[0]
    shared = f"1-min load average {load:.1f} at the end: the browsers, the stack and training share the 2 cores"
    rows = [
        Row(
            f"stack: {SESSIONS} learners drawing through HAProxy on 2 replicas while {TRAINERS} train on 2 Dask workers: "
            "mouse release to Prediction shown",
            "report",
            p50(lat) if lat else None,
            "ms",
            p95(lat) if lat else None,
            notes=f"{len(lat)} predictions, {two.res.sent} drawings sent in {SECONDS:.0f} s; {shared}; "
            f"redrawn, not timed: {two.res.lost_strokes} strokes drawn before the canvas listened, "
            f"{two.res.stale_views} pages reloaded because the last prediction stayed beside the prompt after Clear",
        ),
        Row(
            "stack: errors (pages, process logs: tracebacks, a live replica taken out by HAProxy; runs not done), 1 and 2 workers",
            "0",
            float(len(errors)),
            "errors",
            met=not errors,
            notes="; ".join(errors)[:300],
        ),
    ]
    qrate = {n: QUEUE / (o.queue_s / 60) for n, o in outs.items()}
    for n, o in outs.items():
        workers = f"{n} Dask worker{'s' if n > 1 else ''}"
        rows += [
            _rate_row(
                f"stack: short runs (2,000 images, 1 epoch) finished per minute, {TRAINERS} learners training, {workers}",
                rate,
                n,
                f"{o.runs_done} runs in {o.window_s:.0f} s; a run from start to finish p50 "
                f"{p50(o.run_seconds) if o.run_seconds else 0:.1f} s, of which training "
                f"{p50(o.train_seconds) if o.train_seconds else 0:.1f} s; {shared}",
            ),
            _rate_row(
                f"stack: {QUEUE} short runs (2,000 images, 1 epoch) pressed at once, no browsers, runs finished "
                f"per minute, {workers}",
                qrate,
                n,
                f"the last done {o.queue_s:.0f} s after the press; a run's training p50 "
                f"{p50(o.queue_train) if o.queue_train else 0:.1f} s; both workers on this machine's 2 cores",
            ),
        ]
    for kind, mb in two.peak_mb.items():
        note = {
            "Dask worker": "each: its nanny, the worker process it spawns (TensorFlow, MNIST, one run) and a helper",
            "PostgreSQL (all its processes)": "the sum over its processes (shared memory counted in each)",
        }.get(kind, "")
        if kind == "app process":
            per = (mb - two.warm_app_mb) / max(1, (SESSIONS + TRAINERS) / 2)
            note = (
                f"the larger replica; {two.warm_app_mb:,.0f} MB after one Draw page warmed it, so about "
                f"{per:.0f} MB per session on top (its ~{(SESSIONS + TRAINERS) / 2:.0f} sessions)"
            )
        rows.append(Row(f"stack: peak resident memory, {kind} (2 workers)", "report", mb, "MB", notes=note))
    return rows
