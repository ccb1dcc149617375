"""Kernels page figures: filtering a 512x512 picture, and a kernel change seen in a real browser.

python -m bench kernels

What is timed (honestly):
- `cnn_core.convolution.correlate2d`, the path the page runs on whole pictures: a rank-1
  kernel (box, Gaussian, Sobel) as a row pass and a column pass, any other kernel as K*K
  shifted, weighted copies added together. The loop-free definition
  (`correlate2d_windows`, sliding_window_view + einsum) is timed alongside as the baseline.
- Browser: from selecting a new kernel in the Kernels page's drop-down (Playwright click on
  the option) to the output chart having been redrawn by Plotly with the new data (its
  `gd.data` replaced) and the script run finished. The default picture, a 28x28 MNIST digit.
"""

from __future__ import annotations

import os
import time

import numpy as np

from bench.report import Row, p50, p95, timeit
from cnn_core import convolution as C
from cnn_core import kernels as K
from cnn_core.data import SIDE

KERNEL_CYCLE = ("Sobel x", "Box blur 3x3", "Laplacian (4-neighbour)", "Sharpen", "Emboss", "Outline", "Sobel y")


def _filtering_rows() -> list[Row]:
    rng = np.random.default_rng(0)
    img = rng.uniform(0, 255, (512, 512))
    rows = []
    cases = (
        ("3x3 Laplacian (not separable: shift-and-add)", K.library()["Laplacian (4-neighbour)"].weights, 10.0),
        ("3x3 Sobel x (rank 1: row + column passes)", K.SOBEL_X, 10.0),
        ("15x15 Gaussian sigma 3 (rank 1)", K.gaussian(15, 3.0), 30.0),
    )
    for name, k, target in cases:
        fast = timeit(lambda k=k: C.correlate2d(img, k, "zero"), n=30)
        base = timeit(lambda k=k: C.correlate2d_windows(img, k, "zero"), n=10, warmup=1)
        rows.append(
            Row(
                figure=f"filter 512x512, {name}, zero padding",
                target=f"<= {target:g} ms",
                median=p50(fast),
                unit="ms",
                p95=p95(fast),
                baseline=p50(base),
                ratio=p50(base) / p50(fast),
                met=p50(fast) <= target,
                notes="baseline: loop-free definition (sliding_window_view + einsum)",
            )
        )
    return rows


_OBSERVE = """() => {
  window.__started = null;
  const app = document.querySelector("[data-testid='stApp']");
  const obs = new MutationObserver(() => {
    if (window.__started === null && app.getAttribute('data-test-script-state') === 'running') {
      window.__started = performance.now(); obs.disconnect();
    }
  });
  obs.observe(app, {attributes: true});
  window.__click = performance.now();
}"""


def _browser_rows(n: int = 20) -> list[Row]:
    from tests.support.server import AppServer, browser, wait_idle

    js_output = (
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".find(g => ((g.layout||{}).title||{}).text?.includes('Output ('))"
    )
    times, starts = [], []
    with AppServer() as srv, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(srv.url + "/")  # the first request must run app.py (st.navigation) before a page URL
        wait_idle(page)
        page.goto(srv.url + "/kernels")
        wait_idle(page)
        page.wait_for_function(f"({js_output})() !== undefined")
        for i in range(n + 2):
            name = KERNEL_CYCLE[i % len(KERNEL_CYCLE)]
            page.evaluate(f"() => {{ window.__prev = ({js_output})().data; }}")
            page.get_by_role("combobox", name="Kernel").click()
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for()
            page.evaluate(_OBSERVE)
            t0 = time.perf_counter()
            option.click()
            page.wait_for_function(f"() => {{ const g = ({js_output})(); return g && g.data !== window.__prev; }}")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            dt = (time.perf_counter() - t0) * 1000
            started = page.evaluate("() => window.__started === null ? null : window.__started - window.__click")
            wait_idle(page)
            if i >= 2:  # the first two warm caches
                times.append(dt)
                if started is not None:
                    starts.append(started)
    load = os.getloadavg()[0]
    return [
        Row(
            figure=f"kernel change -> new output drawn (browser, {SIDE}x{SIDE} digit)",
            target="<= 300 ms",
            median=p50(times),
            unit="ms",
            p95=p95(times),
            met=p50(times) <= 300,
            notes=f"{n} changes; headless Chromium via Playwright, click on the option to Plotly redraw; "
            f"1-min load average {load:.1f} on the shared machine",
        ),
        Row(
            figure="  of which: click -> server starts the script run (browser)",
            target="report",
            median=p50(starts) if starts else None,
            unit="ms",
            p95=p95(starts) if starts else None,
            notes="websocket round trip and scheduling; not the page's code",
        ),
    ]


def run() -> list[Row]:
    rows = _filtering_rows()
    try:
        rows += _browser_rows()
    except RuntimeError as e:  # no Chromium on this machine
        rows.append(
            Row("kernel change -> new output drawn (browser)", "<= 300 ms", None, "ms", met=False, notes=str(e))
        )
    return rows
