"""Server memory over a class's life: does it come back down once learners leave?

    python -m bench memory

One real `streamlit run app.py` and one Chromium. Resident memory (RSS) of the server process:
warm (TensorFlow, the shipped model and MNIST loaded by one visit to every heavy page), after 15
browser sessions opened and closed one after another, after 20 short training runs (2,000 images,
1 epoch, by 4 learners) and one large upload, and 2 minutes after everyone left (Streamlit keeps a
disconnected session for `server.disconnectedSessionTTL`, 120 s, in case it reconnects).
Target: back within 150 MB of the warm baseline.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
from pathlib import Path

from bench.classroom import _rss_mb
from bench.report import Row
from tests.support.server import AppServer, browser, wait_idle
from tests.support.train_page import choose_short_run

SESSIONS, LEARNERS, RUNS_EACH, SETTLE_S, LATER_S = 15, 4, 5, 5, 125
TARGET_MB = 150


def _visit(b, url: str, paths) -> None:
    """One learner: a new browser context (a new Streamlit session) on each page in turn, then gone."""
    ctx = b.new_context(viewport={"width": 1300, "height": 900})
    page = ctx.new_page()
    for path in paths:
        page.goto(f"{url}/{path}")
        wait_idle(page, timeout=180_000)
    ctx.close()


def _train(b, url: str, runs: int) -> int:
    """One learner starts `runs` short runs one after another; returns how many finished."""
    ctx = b.new_context(viewport={"width": 1300, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{url}/train")
    wait_idle(page, timeout=180_000)
    choose_short_run(page)
    done = 0
    for i in range(1, runs + 1):
        page.get_by_role("button", name="Start training").click()
        page.get_by_text(re.compile(rf"^Run {i}: .* finished in")).wait_for()
        wait_idle(page)
        done += 1
    ctx.close()
    return done


def _big_picture() -> Path:
    """A large photo-sized JPEG under the 10 MB upload limit (3200 x 3200 noise: about 6.5 MB)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    side = 3200
    img = Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    path = Path(tempfile.mkdtemp(prefix="bench-memory-")) / "big-digit-photo.jpg"
    path.write_bytes(buf.getvalue())
    return path


def _upload(b, url: str, picture: Path) -> None:
    ctx = b.new_context(viewport={"width": 1300, "height": 900})
    page = ctx.new_page()
    page.goto(f"{url}/draw")
    wait_idle(page, timeout=180_000)
    page.get_by_test_id("stButtonGroup").get_by_text("Upload a photo", exact=True).click()
    wait_idle(page)
    page.locator("input[type='file']").set_input_files(str(picture))
    page.wait_for_timeout(1000)
    wait_idle(page, timeout=180_000)
    ctx.close()


def measure() -> dict:
    """RSS (MB) at each step, and the step's wall time (s)."""
    out: dict = {}
    picture = _big_picture()
    with AppServer() as server, browser() as b:
        pid = server.proc.pid
        t0 = time.time()
        _visit(b, server.url, ["", "draw", "evaluate", "train"])
        time.sleep(SETTLE_S)
        out["warm"] = _rss_mb(pid)
        print(f"  RSS warm: {out['warm']:,.0f} MB", flush=True)
        for _ in range(SESSIONS):
            _visit(b, server.url, ["draw", "evaluate", "train"])
        time.sleep(SETTLE_S)
        out["sessions"] = _rss_mb(pid)
        print(f"  RSS sessions: {out['sessions']:,.0f} MB", flush=True)
        out["runs"] = sum(_train(b, server.url, RUNS_EACH) for _ in range(LEARNERS))
        _upload(b, server.url, picture)
        time.sleep(SETTLE_S)
        out["work"] = _rss_mb(pid)
        print(f"  RSS work: {out['work']:,.0f} MB", flush=True)
        time.sleep(LATER_S)
        out["later"] = _rss_mb(pid)
        print(f"  RSS later: {out['later']:,.0f} MB", flush=True)
        out["seconds"] = time.time() - t0
        out["picture_mb"] = picture.stat().st_size / 2**20
    return out


def run() -> list[Row]:
    m = measure()
    base = m["warm"]

    def row(figure: str, key: str, target: bool, notes: str = "") -> Row:
        grew = m[key] - base
        return Row(
            figure,
            f"<= warm + {TARGET_MB} MB" if target else "report",
            m[key],
            "MB",
            baseline=base,
            ratio=m[key] / base,
            met=grew <= TARGET_MB if target else None,
            notes=f"{grew:+,.0f} MB over warm. {notes}".strip(),
        )

    return [
        Row("memory: server RSS warm (every heavy page visited once)", "report", base, "MB"),
        row(f"memory: after {SESSIONS} sessions opened and closed one after another", "sessions", False,
            "each: Draw, Evaluate, Train"),
        row(f"memory: after {m['runs']} short runs (2,000 images, 1 epoch) and 1 upload", "work", False,
            f"{LEARNERS} learners x {RUNS_EACH} runs; upload {m['picture_mb']:.1f} MB JPEG"),
        row(f"memory: {LATER_S} s after everyone left", "later", True,
            f"whole benchmark {m['seconds']:.0f} s"),
    ]  # fmt: skip


if __name__ == "__main__":
    for r in run():
        print(r)
