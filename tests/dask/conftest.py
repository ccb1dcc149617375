"""The app's side (a local queue, its RunWriter, the Dask executor) and a real cluster, on PostgreSQL."""

from __future__ import annotations

import pytest

from cnn_core.executor import DaskExecutor, Trainers
from cnn_core.job_registry import JobRegistry
from cnn_core.store.sync import RunWriter
from tests.dask.cluster import DaskCluster

STALE = 10.0  # seconds of silence before a run counts as stopped, in these tests (the app: 60)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/dask/" in str(item.fspath):
            item.add_marker(pytest.mark.dask)


@pytest.fixture(scope="module")
def db_url(postgres_server):
    """A database of this module's own on the test PostgreSQL server (the workers open it too)."""
    from cnn_core.store.migrate import open_store

    url = postgres_server.new_database()
    open_store(url).dispose()  # migrated once, here
    return url


@pytest.fixture(scope="module")
def cluster():
    c = DaskCluster.start(workers=2, env={"CNN_EXPLAINER_STALE_SECONDS": str(STALE), "CNN_EXPLAINER_TF_THREADS": "1"})
    yield c
    c.stop()


@pytest.fixture
def app(db_url, monkeypatch):
    """app(address) -> Trainers as the app makes them: the real local queue (the Keras runner) with its
    RunWriter, and a Dask executor for `address`."""
    from cnn_core.nn.remote import train_run
    from cnn_core.nn.runner import train
    from cnn_core.store.migrate import open_store

    monkeypatch.setenv("CNN_EXPLAINER_STALE_SECONDS", str(STALE))
    made = []

    def make(address: str, timeout: float = 3.0) -> Trainers:
        store = open_store(db_url)
        registry = JobRegistry(train, max_jobs=1, writer=RunWriter(store, worker="app:1", interval=0.5))
        trainers = Trainers(registry, DaskExecutor(address, store, train_run, timeout=timeout))
        made.append(trainers)
        return trainers

    yield make
    for t in made:
        for job in t.local.live():
            t.local.cancel(job.id)
        t.local.writer.also.clear()
        t.local.writer.interval = 3600  # its thread idles from now on
        if t.dask.client is not None:
            t.dask.client.close(timeout=2)
