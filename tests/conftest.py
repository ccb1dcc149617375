"""Shared fixtures. Tests run from the repository root."""

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The tests' own database and teacher key: never the user's (the servers they start inherit these).
_TMP = Path(tempfile.mkdtemp(prefix="cnn-explainer-tests-"))
os.environ.setdefault("CNN_EXPLAINER_DB", f"sqlite:///{_TMP / 'store.sqlite3'}")
os.environ.setdefault("CNN_EXPLAINER_TEACHER_KEY", "test-teacher-key")
TEACHER_KEY = os.environ["CNN_EXPLAINER_TEACHER_KEY"]


@pytest.fixture(scope="session")
def mnist():
    """The real MNIST (fetched once into the user's cache if needed)."""
    from cnn_core.data import load_mnist

    return load_mnist()


@pytest.fixture(scope="session")
def small(mnist):
    """300 real training digits and 200 test digits, for quick training jobs."""
    (xtr, ytr), (xte, yte) = mnist
    return (xtr[:300], ytr[:300]), (xte[:200], yte[:200])


@pytest.fixture(scope="session")
def shipped_model():
    from cnn_core.nn.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def shared_chromium():
    """The one Chromium of the test session (tests/e2e and tests/stack): Playwright's sync API allows one
    running instance per thread, so a second `browser()` while the first is open fails."""
    from tests.support.server import browser

    with browser() as b:
        yield b


APP = str(ROOT / "app.py")  # AppTest.from_file resolves relative paths against the calling file


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server on loopback for this test session (tests/support/postgres.py)."""
    from tests.support.postgres import PostgresServer, bin_dir

    if bin_dir() is None:
        msg = "PostgreSQL is not installed: `bash scripts/setup.sh dev` installs it"
        if os.environ.get("CI"):
            pytest.fail(msg)  # CI installs it: a missing server there is a broken setup, not a skip
        pytest.skip(msg)
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The address of a new, empty database: an SQLite file, then a database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    yield request.getfixturevalue("postgres_server").emptied_database()


@pytest.fixture
def store(store_url):
    """A fresh, migrated store of its own, on SQLite and on PostgreSQL (every store test runs on both)."""
    from cnn_core.store.migrate import open_store

    s = open_store(store_url)
    yield s
    s.dispose()
