"""Classroom load: 10 learners of one class drawing on one server while one trains (see bench/classroom.py).

Class mode (every session joined the class, drawings sent to the store, the run written to the
database as it trains) is measured against the same class working alone, alternated in this process:
prediction latency must stay within 10% of the baseline, with no error and no "database is locked".
"""

import os

from bench.classroom import classroom
from bench.report import Row, p50, p95
from ui.train.inputs import DEFAULTS

ROUNDS = 2  # alone, class, alone, class


def run() -> list[Row]:
    n = int(os.environ.get("CLASSROOM_SESSIONS", 10))
    seconds = float(os.environ.get("CLASSROOM_SECONDS", 60))
    alone, in_class = [], []
    for _ in range(ROUNDS):
        alone.append(classroom(sessions=n, seconds=seconds, train=True, in_class=False))
        in_class.append(classroom(sessions=n, seconds=seconds, train=True, in_class=True))
    lat_alone = [x for r in alone for x in r.latencies_ms]
    lat = [x for r in in_class for x in r.latencies_ms]
    errors = [e for r in in_class + alone for e in r.errors + r.log_errors]
    ratio = p50(lat) / p50(lat_alone) if lat and lat_alone else None
    last = in_class[-1]
    note = (
        f"{n} sessions x {seconds:.0f} s x {ROUNDS} rounds per mode, alternated, one Chromium; class mode: "
        f"{len(lat)} predictions, {sum(r.sent for r in in_class)} drawings sent; alone: {len(lat_alone)} predictions; "
        f"server used {last.server_cores:.2f} of the 2 cores; training run ({DEFAULTS['train_size']:,} images x "
        f"{DEFAULTS['train_epochs']} epochs) finished in every round: {all(r.trained for r in in_class + alone)}"
    )
    return [
        Row(
            "classroom (class mode): mouse release to Prediction shown",
            "report (p50 <= 500 ms alone)",
            p50(lat) if lat else None,
            "ms",
            p95(lat) if lat else None,
            notes=note,
        ),
        Row(
            "classroom: same class working alone (baseline), mouse release to Prediction shown",
            "report",
            p50(lat_alone) if lat_alone else None,
            "ms",
            p95(lat_alone) if lat_alone else None,
        ),
        Row(
            "classroom: class mode p50 / alone p50",
            "<= 1.10",
            ratio,
            "ratio",
            met=ratio is not None and ratio <= 1.10,
        ),
        Row(
            "classroom: errors (pages, server log: tracebacks, 'database is locked')",
            "0",
            float(len(errors)),
            "errors",
            met=not errors,
            notes="; ".join(errors)[:300],
        ),
        Row(
            "classroom: server peak resident memory",
            "report",
            max(r.peak_rss_mb for r in in_class),
            "MB",
            notes="one server process: TensorFlow, the model, its compiled reader and MNIST are loaded once and shared",
        ),
    ]
