"""Real-browser fixtures: one `streamlit run app.py` server per test session, one Chromium.

Outside CI, a machine without Chromium skips these tests loudly; in CI (CI=true)
a missing Chromium is a failure. Failed tests save a screenshot and the server log
under artifacts/.
"""

import os
from pathlib import Path

import pytest

from tests.support.server import AppServer, chromium_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_server():
    if chromium_path() is None:
        msg = "Chromium not found: browser tests need `apt-get install -y chromium` (see README)."
        if os.environ.get("CI"):
            pytest.fail(msg)
        print("\n" + "!" * 70 + f"\n  SKIPPING BROWSER TESTS. {msg}\n" + "!" * 70)
        pytest.skip(msg)
    server = AppServer(log_dir=ARTIFACTS)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium(app_server, shared_chromium):
    return shared_chromium


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and "page" in item.funcargs:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            item.funcargs["page"].screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            pass


@pytest.fixture
def page(chromium, app_server):
    """A fresh browser context (a new Streamlit session) on the app."""
    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    pg.app_url = app_server.url
    yield pg
    ctx.close()
