"""Rows of docs/PERFORMANCE.md: measure, compare with the target, record.

Each bench/bench_<area>.py has `run() -> list[Row]`. Results are kept in
docs/performance.json (one entry per area, so areas can be re-run alone) and
rendered into docs/PERFORMANCE.md as one table.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
JSON = DOCS / "performance.json"
MD = DOCS / "PERFORMANCE.md"


@dataclass
class Row:
    figure: str
    target: str  # e.g. "<= 10 ms"; "report" when there is none
    median: float | None
    unit: str
    p95: float | None = None
    baseline: float | None = None  # same quantity for the reference run, same process
    ratio: float | None = None
    met: bool | None = None  # None: no target to meet
    notes: str = ""


def timeit(fn, n: int = 30, warmup: int = 3) -> list[float]:
    """Wall-clock milliseconds of `n` calls of fn() after `warmup` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p50(xs) -> float:
    return statistics.median(xs)


def p95(xs) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores {cpu}, {mem:.0f} GiB, Python {platform.python_version()}"


def record(area: str, rows: list[Row]) -> None:
    """Store `rows` as the results of `area` and re-render PERFORMANCE.md."""
    DOCS.mkdir(exist_ok=True)
    with open(DOCS / ".performance.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(JSON.read_text()) if JSON.exists() else {}
        data[area] = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "rows": [asdict(r) for r in rows],
        }
        JSON.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        MD.write_text(render(data))


def _fmt(x) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:,.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return str(x)


def render(data: dict) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `python -m bench` (do not edit by hand). Each area's rows were measured on the",
        "machine and date given beside them; a ratio compares with a baseline run in the same process.",
        "A figure that misses its target is marked **MISSED**.",
        "",
        "| area | figure | target | median | p95 | unit | baseline | ratio | met | notes | machine, date |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for area in sorted(data):
        d = data[area]
        for r in d["rows"]:
            met = {True: "yes", False: "**MISSED**", None: "n/a"}[r["met"]]
            lines.append(
                f"| {area} | {r['figure']} | {r['target']} | {_fmt(r['median'])} | {_fmt(r['p95'])} | {r['unit']} | "
                f"{_fmt(r['baseline'])} | {_fmt(r['ratio'])} | {met} | {r['notes']} | {d['machine']}, {d['date']} |"
            )
    extra = DOCS / "PERFORMANCE-notes.md"
    if extra.exists():
        lines += ["", extra.read_text().rstrip()]
    return "\n".join(lines) + "\n"
