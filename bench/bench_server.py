"""Server CPU per Draw-page rerun, with and without Streamlit's per-run Keras cleanup (same process)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.report import Row, p50, p95


def _cpu_per_rerun(at, pictures, canvas_key, n=15) -> list[float]:
    out = []
    for i in range(n):
        at.session_state[canvas_key] = pictures[i % len(pictures)]
        t0 = time.process_time()
        at.run()
        out.append((time.process_time() - t0) * 1000)
    return out


def run() -> list[Row]:
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from cnn_core.samples import load_samples
    from tests.support.canvas import canvas_value, drawn
    from ui import runtime
    from ui.draw.inputs import CANVAS_PREFIX

    real = runtime.keep_keras_state

    s = load_samples()
    pictures = [canvas_value(drawn(s.images[i])) for i in range(10)]
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/draw.py").run()
    key = CANVAS_PREFIX + "0"
    _cpu_per_rerun(at, pictures, key, n=3)  # warm: TensorFlow loaded, reader compiled
    ours, streamlits = [], []
    original = getattr(script_runner, "_streamlit_clean_problem_modules", None)
    for _ in range(2):
        runtime.keep_keras_state = real
        real()
        ours += _cpu_per_rerun(at, pictures, key)
        if original is not None:
            runtime.keep_keras_state = lambda: None  # app.py would re-apply the fix on every run
            script_runner._clean_problem_modules = original
            streamlits += _cpu_per_rerun(at, pictures, key)
    runtime.keep_keras_state = real
    real()
    assert not at.exception and at.metric[0].label == "Prediction"
    base = p50(streamlits) if streamlits else None
    return [
        Row(
            "Draw page: server CPU per rerun after a stroke (prediction, layers, saliency, pictures)",
            "report",
            p50(ours),
            "ms CPU",
            p95(ours),
            baseline=base,
            ratio=p50(ours) / base if base else None,
            notes="baseline: Streamlit's default keras.backend.clear_session() after every run (ui/runtime.py)",
        )
    ]
