"""The Train page names where runs train: a Dask cluster that answers, or, when its scheduler is
unreachable, one friendly line and training here (AppTest; the scheduler is a real `dask scheduler`)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.settings import DASK_SCHEDULER_ENV
from tests.dask.cluster import DaskCluster
from tests.support.postgres import free_port


@pytest.fixture
def scheduler_at(monkeypatch):
    """scheduler_at(address): the app's next Trainers use that scheduler; undone afterwards."""
    from ui.training import registry, trainers

    def use(address: str) -> None:
        monkeypatch.setenv(DASK_SCHEDULER_ENV, address)
        trainers.clear()

    yield use
    made = trainers()
    if made.dask is not None and made.dask.client is not None:
        made.dask.client.close(timeout=2)
    registry().writer.also.clear()  # the shared local queue's writer stops retrying that scheduler
    monkeypatch.delenv(DASK_SCHEDULER_ENV)
    trainers.clear()


def page_text(at) -> str:
    return " ".join(str(e.value) for kind in ("caption", "warning", "info", "error") for e in getattr(at, kind))


def test_an_unreachable_scheduler_is_said_in_one_friendly_line(scheduler_at):
    scheduler_at(f"tcp://127.0.0.1:{free_port()}")  # nothing listens there
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60).run()
    assert not at.exception
    lines = [w.value for w in at.warning if "Dask" in w.value]
    assert lines == [
        "The class's training cluster (Dask scheduler) is not reachable: runs train here on the app server, "
        f"at most {_max_jobs()} at once."
    ]
    assert "Traceback" not in page_text(at)


def _max_jobs() -> int:
    from ui.training import registry

    return registry().max_jobs


def test_a_scheduler_that_comes_back_is_used_again_once_it_has_workers(scheduler_at, monkeypatch):
    """Unreachable at start; it comes back without workers (still here); a worker joins (there). The
    background retry (every 30 s) and worker count (every second) run at once here."""
    import cnn_core.executor
    from ui.training import trainers

    port = free_port()
    scheduler_at(f"tcp://127.0.0.1:{port}")
    at = AppTest.from_file("../../app_pages/train.py", default_timeout=60).run()
    assert any("is not reachable" in w.value for w in at.warning)
    cluster = DaskCluster.start(workers=0, port=port)
    try:
        monkeypatch.setattr(cnn_core.executor, "DASK_RETRY_SECONDS", 0.0)
        trainers().dask.keep_alive()  # what the writer's round does
        at.run()
        assert trainers().dask.reachable
        assert any("has no workers right now: runs train here" in w.value for w in at.warning)
        cluster.add_worker("w1")
        cluster.client.wait_for_workers(1, timeout=60)
        trainers().dask.keep_alive()
        at.run()
        assert not [w for w in at.warning if "Dask" in w.value]
        assert "Runs train on the class's Dask cluster (1 worker(s)), not on this app server." in page_text(at)
        assert trainers().where().executor == "dask"
    finally:
        cluster.stop()
