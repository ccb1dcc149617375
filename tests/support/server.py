"""A real app server and a real browser, shared by the end-to-end tests and the benchmarks.

with AppServer() as server, browser() as b:
    page = b.new_page(); page.goto(server.url); wait_idle(page)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or $CHROMIUM), if installed."""
    for c in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if c and Path(c).exists():
            return c
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """The app (`python -m ui.serve`, i.e. `streamlit run app.py`) on a free loopback port; its log goes to `self.log_path`."""

    def __init__(self, env: dict | None = None, log_dir: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
        log_dir = Path(log_dir or tempfile.mkdtemp(prefix="appserver-"))
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> AppServer:
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui.serve",  # streamlit run app.py, with ui.runtime's patches from the first request
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.started_at = time.time()
                        return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"streamlit did not answer in {timeout} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def browser(headless: bool = True):
    """A Playwright Chromium browser (Debian's build); raises RuntimeError if none is installed."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("Chromium not found: install it with `apt-get install -y chromium`.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=headless, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_timeout(50)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(page, path: str = "") -> None:
    """Go to a page of the app (url path such as 'data') and wait for its script run to finish."""
    page.goto(f"{page.app_url}/{path}")
    wait_idle(page)


def nav(page, name: str) -> None:
    """Click a page's link in the sidebar and wait for its script run to finish."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    wait_idle(page)
