"""Classroom load: 10 learners drawing on one server while one trains (see bench/classroom.py)."""

import os

from bench.classroom import classroom
from bench.report import Row, p50, p95
from ui.train.inputs import DEFAULTS


def run() -> list[Row]:
    n = int(os.environ.get("CLASSROOM_SESSIONS", 10))
    r = classroom(sessions=n, seconds=60, train=True)
    lat = r.latencies_ms
    note = f"server used {r.server_cores:.2f} of the 2 cores (the browsers the rest); {r.lost_strokes} strokes redrawn; {n} sessions x 60 s, one Chromium, {len(lat)} predictions; training run ({DEFAULTS['train_size']:,} images x {DEFAULTS['train_epochs']} epochs) finished: {r.trained}, in {r.training_seconds or 0:.0f} s"
    return [
        Row(
            "classroom: mouse release to Prediction shown",
            "report (p50 <= 500 ms alone)",
            p50(lat) if lat else None,
            "ms",
            p95(lat) if lat else None,
            notes=note,
        ),
        Row(
            "classroom: errors", "0", float(len(r.errors)), "errors", met=not r.errors, notes="; ".join(r.errors)[:300]
        ),
        Row(
            "classroom: server peak resident memory",
            "report",
            r.peak_rss_mb,
            "MB",
            notes="one server process: TensorFlow, the model, its compiled reader and MNIST are loaded once and shared",
        ),
    ]
