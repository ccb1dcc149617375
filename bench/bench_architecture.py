"""Architecture page figures: layer-table recomputation, and widget change -> updated table in a browser."""

from __future__ import annotations

import random
import time

from bench.report import Row, p50, p95

N_ARCHS = 5_000
N_BROWSER = 25
_TOTAL_JS = """want => {
    const rows = document.querySelectorAll("[data-testid='stTable'] table tbody tr");
    const last = rows[rows.length - 1];
    return last && last.innerText.includes(want);
}"""


def _table_rows() -> list[Row]:
    from cnn_core.formulas import layer_table
    from cnn_core.random_arch import random_architecture
    from ui.architecture.sections import table_frame

    rng = random.Random(0)
    archs = [random_architecture(rng) for _ in range(N_ARCHS)]
    for a in archs[:50]:  # warm-up
        layer_table(a)
    ms, frame_ms = [], []
    for a in archs:
        # best of 3 per architecture: the cost of that architecture, without the scheduler's
        # pauses on a 2-core machine shared with other processes
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            t = layer_table(a)
            t1 = time.perf_counter()
            best = min(best, t1 - t0)
        ms.append(best * 1000)
        if len(frame_ms) < 500:
            table_frame(t, a.input_shape)
            frame_ms.append((time.perf_counter() - t1) * 1000)
    invalid = sum(not layer_table(a).valid for a in archs)
    worst = max(ms)
    return [
        Row(
            f"layer_table() for {N_ARCHS:,} seeded random architectures (1-4 blocks, 0-3 dense; {invalid:,} invalid)",
            "<= 5 ms for any",
            p50(ms),
            "ms",
            p95(ms),
            met=worst <= 5,
            notes=f"max {worst:.3f} ms (best of 3 runs per architecture)",
        ),
        Row(
            "layer table -> display DataFrame (500 of them)",
            "report",
            p50(frame_ms),
            "ms",
            p95(frame_ms),
            notes=f"max {max(frame_ms):.2f} ms",
        ),
    ]


# The smallest page with the same gesture (type a number, see a table cell change): the floor set by
# Streamlit, Chromium and Playwright on this machine under the same load, measured alternately.
MINIMAL_APP = """
import streamlit as st
v = st.number_input("Filters", 1, 256, 32)
st.table({"total": [f"{v * 1000:,}"]})
"""


class _MinimalServer:
    """`streamlit run` of MINIMAL_APP in a temporary folder (killed on exit)."""

    def __enter__(self):
        import subprocess
        import sys
        import tempfile
        import urllib.request
        from pathlib import Path

        from tests.support.server import free_port

        self.dir = tempfile.TemporaryDirectory()
        Path(self.dir.name, "app.py").write_text(MINIMAL_APP)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=self.dir.name,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("minimal app did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.dir.cleanup()


def _change(page, box, value: int, want: str) -> float | None:
    """Type `value`, press Enter, wait until the last table row shows `want`: milliseconds, or None if lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from tests.support.server import wait_idle

    t0 = time.perf_counter()
    box.fill(str(value))
    box.press("Enter")
    try:
        page.wait_for_function(_TOTAL_JS, arg=want, polling="raf", timeout=10_000)
    except PlaywrightTimeout:
        # under heavy load a keystroke can land while the previous run redraws the input:
        # type again, and keep this sample out of the timings
        box.fill(str(value))
        box.press("Enter")
        page.wait_for_function(_TOTAL_JS, arg=want, polling="raf", timeout=30_000)
        wait_idle(page)
        return None
    dt = (time.perf_counter() - t0) * 1000
    wait_idle(page)
    # let the browser finish drawing (the charts) before the next change, so each sample is
    # one change on a quiet page: a learner's click, not a burst
    page.wait_for_timeout(400)
    return dt


def _browser_rows() -> list[Row]:
    from dataclasses import replace

    from cnn_core.architecture import SEED
    from cnn_core.formulas import layer_table
    from tests.support.server import AppServer, browser, wait_idle

    def total(filters: int) -> str:
        b1 = replace(SEED.conv_blocks[0], filters=filters)
        return f"{layer_table(replace(SEED, conv_blocks=(b1, *SEED.conv_blocks[1:]))).total_params:,}"

    times, base, lost = [], [], 0
    with AppServer() as server, _MinimalServer() as minimal, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        wait_idle(page)
        page.get_by_role("link", name="Architecture", exact=True).first.click()
        page.get_by_role("heading", name="Layer by layer").wait_for(timeout=60_000)
        wait_idle(page)
        box = page.get_by_label("Filters").first
        mpage = b.new_page(viewport={"width": 1400, "height": 1000})
        mpage.goto(minimal.url)
        wait_idle(mpage)
        mbox = mpage.get_by_label("Filters")
        for i in range(N_BROWSER + 3):
            filters = 17 + i  # a new value each time, so every change really reruns the page
            page.bring_to_front()
            dt = _change(page, box, filters, total(filters))
            mpage.bring_to_front()
            mdt = _change(mpage, mbox, filters, f"{filters * 1000:,}")
            lost += (dt is None) + (mdt is None)
            if i >= 3 and dt is not None and mdt is not None:  # the first changes warm up caches
                times.append(dt)
                base.append(mdt)
    med, bmed = p50(times), p50(base)
    return [
        Row(
            "Filters of block 1 changed -> updated table total in Chromium",
            "p50 <= 300 ms",
            med,
            "ms",
            p95(times),
            baseline=bmed,
            ratio=med / bmed,
            met=med <= 300,
            notes=(
                f"{len(times)} changes, max {max(times):.0f} ms; includes Playwright typing; 0.4 s pause "
                f"between changes; {lost} change(s) lost and retyped (not timed); baseline = a one-input "
                f"one-table Streamlit app, measured alternately (p95 {p95(base):.0f} ms)"
            ),
        )
    ]


def run() -> list[Row]:
    return _table_rows() + _browser_rows()
