"""The stack tests: one started stack per test module (PostgreSQL, a Dask scheduler and two workers, two
app processes, HAProxy), one Chromium, everything stopped by process id at the end.

Outside CI a machine without HAProxy, PostgreSQL or Chromium skips these tests loudly; in CI (CI=true)
that is a failure. A failed test saves every open page's screenshot and the stack's logs under artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.postgres import bin_dir
from tests.support.server import chromium_path
from tests.support.stack import Stack, haproxy_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
TEACHER_KEY = "stack-teacher-key-5170"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/stack" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _need(found, what: str) -> None:
    if found:
        return
    msg = f"{what} not found: the stack tests need it (`bash scripts/setup.sh dev` installs it as root)."
    if os.environ.get("CI"):
        pytest.fail(msg)
    print("\n" + "!" * 70 + f"\n  SKIPPING STACK TESTS. {msg}\n" + "!" * 70)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    _need(haproxy_path(), "HAProxy (apt-get install -y haproxy)")
    _need(bin_dir(), "PostgreSQL (apt-get install -y postgresql)")
    _need(chromium_path(), "Chromium (apt-get install -y chromium)")
    logs = tmp_path_factory.mktemp("stack")
    env = {"CNN_EXPLAINER_TEACHER_KEY": TEACHER_KEY, "CNN_EXPLAINER_MAX_JOBS": "1"}
    s = Stack(replicas=2, dask_workers=2, env=env, log_dir=logs)
    s.start()
    try:
        yield s
    finally:
        s.stop()
        failed = getattr(s, "failed", False)
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for log in logs.glob("*.log"):
                shutil.copy(log, ARTIFACTS / f"stack-{log.name}")


@pytest.fixture(scope="module")
def chromium(stack, shared_chromium):
    yield shared_chromium
    for ctx in list(shared_chromium.contexts):  # this module's learners and teachers
        ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and "stack" in item.funcargs:
        item.funcargs["stack"].failed = True
        ARTIFACTS.mkdir(exist_ok=True)
        for i, page in enumerate(getattr(item.module, "OPEN_PAGES", [])):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{item.name}-{i}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
                pass
