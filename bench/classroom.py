"""A classroom in a box: N learners of one class draw digits on one server while one learner trains.

    python -m bench.classroom --sessions 10 --seconds 60 [--alone]

The server gets a database of its own with one class; every session first joins it with a
nickname from the class's link (`--alone`: no class, as before class mode), and sends every
third digit it draws, labelled, to the class's test set (alone: to the learner's own drawings, so both
modes do the same work and the difference is what class mode costs).

Each session opens the Draw page in its own browser context (its own Streamlit session),
then repeatedly clears the canvas, draws a digit with real mouse strokes and measures the time
from the mouse release to the "Prediction" metric being shown, waiting a few seconds between
digits. One more session starts a training run on the Train page. Reports latency p50/p95,
errors, and the server's peak resident memory. `bench/bench_classroom.py` records it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import threading
import time
from dataclasses import dataclass, field

from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.report import p50, p95
from tests.support.server import CHROMIUM_FLAGS, IDLE, AppServer, chromium_path
from tests.support.strokes import DIGITS, draw_async, place


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    trained: bool = False
    lost_strokes: int = 0
    stale_views: int = 0  # after a Clear, the previous prediction stayed on the page (reloaded, not timed)
    server_cores: float = 0.0  # CPU seconds of the server per wall second during the class
    training_seconds: float | None = None
    sent: int = 0  # drawings sent to the class's test set
    log_errors: list[str] = field(default_factory=list)  # tracebacks, "database is locked" in the server log


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _idle(page, timeout=60_000):
    await page.wait_for_timeout(30)
    await page.wait_for_selector(IDLE, timeout=timeout)


async def _gone(locator, timeout: float) -> bool:
    """True once nothing matches `locator` (within `timeout` ms)."""
    try:
        await locator.first.wait_for(state="detached", timeout=timeout)
        return True
    except PlaywrightTimeout:
        return False


async def _join(page, url: str, path: str, code: str | None, nickname: str) -> None:
    """Open `path`, joining the class `code` with `nickname` on the way (no class: just open it)."""
    await page.goto(f"{url}/{path}" + (f"?class={code}" if code else ""))
    await _idle(page, 120_000)
    if code:
        await page.get_by_role("textbox", name="Your nickname").fill(nickname)
        await page.get_by_role("button", name="Join the class").click()
        await _idle(page, 120_000)


async def _send(page, digit: int) -> None:
    """Label the drawing on the page as `digit` and send it to the class's test set."""
    # during a rerun the old picker may linger beside the new one: the newest is last
    picker = page.get_by_test_id("stSelectbox").filter(has_text="The digit you meant").last
    for _ in range(3):  # on a busy machine the list may not be open yet when the digit is typed: look, try again
        await picker.click()
        await page.keyboard.type(str(digit))  # type to filter the list (it may open off screen), Enter takes it
        await page.keyboard.press("Enter")
        await _idle(page)
        if await picker.get_by_text(str(digit), exact=True).count():
            break
    await page.get_by_role("button", name="Send").click()
    await page.get_by_text("Sent as a", exact=False).wait_for(timeout=30_000)


async def _learner(i: int, browser, url: str, until: float, res: Result, code: str | None) -> None:
    rng = random.Random(i)
    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    try:
        await _join(page, url, "draw", code, f"learner {i + 1}")
        # during a Clear the old canvas may linger beside the new one: draw on the one shown
        canvas = page.locator("canvas.upper-canvas").filter(visible=True).last
        await canvas.wait_for(timeout=60_000)
        prompt = page.get_by_text("Draw a digit in the black square", exact=False)
        metric = page.locator("[data-testid='stMetric']", has_text="Prediction")
        while time.time() < until:
            await prompt.wait_for(timeout=60_000)  # an empty, freshly mounted canvas
            await _idle(page)
            await page.wait_for_timeout(300)
            if await metric.count() and not await _gone(metric, 10_000):
                res.stale_views += 1  # the last prediction still shown beside the prompt: reload, as a learner would
                await page.reload()
                await _idle(page, 120_000)
                continue
            await canvas.scroll_into_view_if_needed()
            box = await canvas.bounding_box()
            size = rng.uniform(0.45, 0.8) * box["width"]
            left = box["x"] + rng.uniform(0.05, 0.95 - size / box["width"]) * box["width"]
            top = box["y"] + rng.uniform(0.05, 0.95 - size / box["height"]) * box["height"]
            digit = rng.choice(list(DIGITS))
            strokes = place(digit, (left, top, size * 0.8, size), rng)
            await draw_async(page, strokes)
            t0 = time.perf_counter()
            try:
                await metric.wait_for(timeout=30_000)
            except PlaywrightTimeout:
                res.lost_strokes += 1  # the canvas was not listening yet (still mounting): draw again
                await page.get_by_role("button", name="Clear", exact=True).click()
                continue
            await _idle(page)
            res.latencies_ms.append((time.perf_counter() - t0) * 1000)
            if await page.locator("[data-testid='stException']").count():
                res.errors.append(f"session {i}: exception element on the page")
            if len(res.latencies_ms) % 3 == 0:  # alone too: the same work, kept as personal drawings
                await _send(page, int(digit))
                res.sent += 1
            await page.wait_for_timeout(rng.uniform(2000, 4000))
            await page.get_by_role("button", name="Clear", exact=True).click()
    except Exception as e:  # noqa: BLE001 - every failure is counted as an error, the class goes on
        res.errors.append(f"session {i}: {type(e).__name__}: {str(e)[:200]}")
        await page.screenshot(path=f"/tmp/classroom-error-{i}.png")
    finally:
        await ctx.close()


async def _trainer(browser, url: str, res: Result, code: str | None) -> None:
    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    try:
        await _join(page, url, "train", code, "trainer")
        await page.get_by_role("button", name="Start training").click()  # defaults: 10,000 images, 3 epochs
        t0 = time.perf_counter()
        await page.get_by_text("finished in", exact=False).first.wait_for(timeout=900_000)
        res.trained = True
        res.training_seconds = time.perf_counter() - t0
    except Exception as e:  # noqa: BLE001
        res.errors.append(f"trainer: {type(e).__name__}: {str(e)[:200]}")
    finally:
        await ctx.close()


async def _run(url: str, pid: int, sessions: int, seconds: float, train: bool, code: str | None) -> Result:
    from playwright.async_api import async_playwright

    res = Result()
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            res.peak_rss_mb = max(res.peak_rss_mb, _rss_mb(pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu0, wall0 = _cpu_seconds(pid), time.perf_counter()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        until = time.time() + seconds
        tasks = [_learner(i, browser, url, until, res, code) for i in range(sessions)]
        if train:
            tasks.append(_trainer(browser, url, res, code))
        await asyncio.gather(*tasks)
        await browser.close()
    res.server_cores = (_cpu_seconds(pid) - cpu0) / (time.perf_counter() - wall0)
    stop.set()
    sampler.join()
    return res


LOG_PROBLEMS = ("Traceback", "database is locked", "OperationalError")


def classroom(sessions: int = 10, seconds: float = 60, train: bool = True, in_class: bool = True) -> Result:
    """Run the class on a fresh server with a database of its own; see the module's docstring."""
    from cnn_core.store import learners
    from cnn_core.store.migrate import open_store

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.sqlite3"
        store = open_store(url)
        code = learners.create_class(store, "Benchmark class").code if in_class else None
        with AppServer(env={"CNN_EXPLAINER_DB": url}) as server:
            res = asyncio.run(_run(server.url, server.proc.pid, sessions, seconds, train, code))
            log = server.log()
        res.log_errors = [line for line in log.splitlines() if any(p in line for p in LOG_PROBLEMS)]
        store.dispose()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-train", action="store_true")
    ap.add_argument("--alone", action="store_true", help="no class: every session works alone")
    a = ap.parse_args()
    r = classroom(a.sessions, a.seconds, not a.no_train, not a.alone)
    lat = r.latencies_ms
    print(f"predictions: {len(lat)}  p50 {p50(lat):.0f} ms  p95 {p95(lat):.0f} ms" if lat else "no predictions")
    print(f"server CPU: {r.server_cores:.2f} cores on average (the browsers share the same {os.cpu_count()} cores)")
    print(f"strokes drawn before the canvas listened (redrawn, not timed): {r.lost_strokes}")
    print(f"pages that kept the last prediction after Clear (reloaded, not timed): {r.stale_views}")
    print(
        f"errors: {len(r.errors)}  peak server RSS: {r.peak_rss_mb:.0f} MB  training finished: {r.trained}"
        f" ({r.training_seconds or 0:.0f} s)"
    )
    print(f"drawings sent to the class's test set: {r.sent}; problems in the server log: {len(r.log_errors)}")
    for e in r.errors + r.log_errors:
        print("  ", e)


if __name__ == "__main__":
    main()
