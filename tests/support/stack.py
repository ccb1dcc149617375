"""The whole stack on loopback, for the stack tests and benchmarks: a real PostgreSQL server, optionally a
Dask scheduler and workers, N app processes and a real HAProxy in front of them (deploy/haproxy.cfg).

    with Stack(replicas=2, dask_workers=2, env={...}) as stack:
        stack.url                         # HAProxy's address: the one a browser opens
        stack.apps[0].url                 # one replica, directly
        stack.server_states()             # {'app1': 'UP', 'app2': 'UP'} from HAProxy's runtime API
        stack.stop_app(0)                 # a replica stops (by its process id)

Every process is started by this object and stopped by its process id (`stop`), also when start-up
fails half way; nothing listens anywhere but 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.postgres import PostgresServer
from tests.support.server import ROOT, AppServer, free_port

HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
COOKIE = "CNN_APP"  # the cookie HAProxy inserts, naming the replica (deploy/haproxy.cfg)


def haproxy_path() -> str | None:
    """Debian's haproxy (`apt-get install -y haproxy`), if installed."""
    for c in (shutil.which("haproxy"), "/usr/sbin/haproxy"):
        if c and Path(c).exists():
            return c
    return None


def _stop(proc: subprocess.Popen | None, grace: float = 15) -> None:
    """SIGTERM by process id, then SIGKILL after `grace` seconds."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _wait(check, timeout: float, what: str, log: Path | None = None) -> None:
    """Poll `check()` every 0.2 s until it is true; TimeoutError naming `what` (and the log) after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise TimeoutError(f"{what} not ready after {timeout} s\n{tail}")


class HAProxy:
    """haproxy -f deploy/haproxy.cfg in the foreground (-db), its addresses from the environment."""

    def __init__(self, backends: list[str], state: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state = state
        self.log_path = state / "haproxy.log"
        self.env = {
            **os.environ,
            "CNN_HAPROXY_BIND": f"127.0.0.1:{self.port}",
            "CNN_HAPROXY_STATE": str(state),
            **{f"CNN_APP{i}": b for i, b in enumerate(backends, start=1)},
        }
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> HAProxy:
        exe = haproxy_path()
        if exe is None:
            raise FileNotFoundError("HAProxy is not installed (run: bash scripts/setup.sh dev)")
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [exe, "-f", str(HAPROXY_CFG), "-db"], env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        _wait(lambda: self.proc.poll() is not None or self._answers(), timeout, "HAProxy", self.log_path)
        if self.proc.poll() is not None:
            raise RuntimeError(f"HAProxy exited: {self.log_path.read_text(errors='replace')[-2000:]}")
        return self

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def command(self, line: str) -> str:
        """One command on HAProxy's runtime API (the stats socket in the state folder)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.state / "haproxy.sock"))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self) -> dict[str, str]:
        """{'app1': 'UP', 'app2': 'DOWN', ...}: what HAProxy's health checks think of each replica."""
        lines = self.command("show stat").splitlines()
        head = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(head, ln.split(","), strict=False)) for ln in lines[1:] if ln]
        return {
            r["svname"]: r["status"].split()[0] for r in rows if r["pxname"] == "cnn_app" and r["svname"] != "BACKEND"
        }

    def stop(self) -> None:
        _stop(self.proc)
        if getattr(self, "_log", None):
            self._log.close()


def warm_up() -> int:
    """A Dask task that imports TensorFlow and the training code once in a worker process (what a
    learner's first run would otherwise wait for); returns the worker's process id."""
    import cnn_core.nn.remote  # noqa: F401 - the training task's module
    import cnn_core.nn.runner  # noqa: F401 - TensorFlow and Keras

    return os.getpid()


class DaskCluster:
    """`dask scheduler` and `dask worker` processes on loopback (one process and one thread per worker),
    as scripts/cluster.sh starts them."""

    def __init__(self, workers: int, env: dict, state: Path):
        self.n, self.env, self.state = workers, env, state
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self._logs = []

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.state / f"{name}.log", "w")
        self._logs.append(log)
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start(self, timeout: float = 90) -> DaskCluster:
        self.scheduler = self._spawn(
            "dask-scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"]
        )
        for i in range(1, self.n + 1):
            self.start_worker(i)
        _wait(lambda: self.worker_count() >= self.n, timeout, "Dask workers", self.state / "dask-scheduler.log")
        self.warm_up()
        return self

    def warm_up(self) -> None:
        """Queue one warm_up task on every worker and return at once: each worker imports TensorFlow
        while the browsers start; a training task sent meanwhile waits behind it."""
        from distributed import Client

        self._client = Client(self.address, timeout=10, set_as_default=False)
        self._warming = [
            self._client.submit(warm_up, pure=False, workers=[w], allow_other_workers=False)
            for w in self._client.scheduler_info()["workers"]
        ]

    def start_worker(self, i: int) -> subprocess.Popen:
        worker = self._spawn(
            f"dask-worker-{i}",
            ["worker", self.address, "--name", f"worker-{i}", "--nworkers", "1", "--nthreads", "1"]
            + ["--host", "127.0.0.1", "--no-dashboard"],
        )
        self.workers.append(worker)
        return worker

    def kill_worker(self, address: str) -> None:
        """SIGKILL the worker at `address` and its nanny, as if its machine lost power: nothing is said
        to anyone, and the nanny cannot start it again."""
        import psutil

        pid = self._client.run(os.getpid, workers=[address])[address]
        worker = psutil.Process(pid)
        for p in (worker.parent(), worker):  # the nanny first, or it would start a new worker
            p.kill()

    def worker_count(self) -> int:
        from distributed import Client

        try:
            with Client(self.address, timeout=3) as c:
                return len(c.scheduler_info()["workers"])
        except OSError:
            return 0

    def close_client(self) -> None:
        if getattr(self, "_client", None) is not None:
            self._client.close(timeout=2)
            self._client = None

    def stop(self) -> None:
        self.close_client()
        for w in self.workers:
            _stop(w)
        _stop(self.scheduler)
        for log in self._logs:
            log.close()


class Stack:
    """PostgreSQL, (Dask), `replicas` app processes and HAProxy on loopback; see the module docstring."""

    def __init__(self, replicas: int = 2, dask_workers: int = 0, env: dict | None = None, log_dir: Path | None = None):
        self.replicas, self.dask_workers = replicas, dask_workers
        self.state = Path(log_dir or tempfile.mkdtemp(prefix="cnn-explainer-stack-"))
        self.state.mkdir(parents=True, exist_ok=True)
        self.extra_env = env or {}
        self.postgres: PostgresServer | None = None
        self.dask: DaskCluster | None = None
        self.apps: list[AppServer] = []
        self.haproxy: HAProxy | None = None

    def start(self) -> Stack:
        try:
            self.postgres = PostgresServer.start()
            self.db_url = self.postgres.new_database()
            env = {
                "CNN_EXPLAINER_DB": self.db_url,
                "PYTHONPATH": str(ROOT),
                "TF_CPP_MIN_LOG_LEVEL": "2",
                **self.extra_env,
            }
            if self.dask_workers:
                self.dask = DaskCluster(self.dask_workers, {**os.environ, **env}, self.state).start()
                env["CNN_EXPLAINER_DASK_SCHEDULER"] = self.dask.address
            self.app_env = env
            self.apps = [AppServer(env=env, log_dir=self.state) for _ in range(self.replicas)]
            for app in self.apps:
                app.start(timeout=90)
            self.haproxy = HAProxy([f"127.0.0.1:{a.port}" for a in self.apps], self.state).start()
            self.wait_states({f"app{i}": "UP" for i in range(1, self.replicas + 1)})
            self.url = self.haproxy.url
            return self
        except BaseException:
            self.stop()
            raise

    def server_states(self) -> dict[str, str]:
        return self.haproxy.server_states()

    def wait_states(self, wanted: dict[str, str], timeout: float = 30) -> None:
        """Wait until HAProxy's health checks see each replica as `wanted` (e.g. {'app1': 'DOWN'})."""
        _wait(
            lambda: all(self.server_states().get(k) == v for k, v in wanted.items()),
            timeout,
            f"HAProxy states {wanted} (now {self.server_states()})",
        )

    def stop_postgres(self) -> None:
        """Stop PostgreSQL as an administrator would for a restart (-m fast: open connections are cut,
        every commit is kept)."""
        pg = self.postgres
        pg._cmd(pg.bindir / "pg_ctl", "stop", "-D", pg.data, "-m", "fast", "-w", "-t", "60")

    def start_postgres(self) -> None:
        """Start the stopped PostgreSQL again, on the same port and data."""
        pg = self.postgres
        opts = f"-c listen_addresses=127.0.0.1 -p {pg.port} -k {pg.root} -c fsync=off -c max_connections=100"
        pg._cmd(pg.bindir / "pg_ctl", "start", "-w", "-t", "60", "-D", pg.data, "-l", pg.log, "-o", opts)

    def stop_app(self, i: int) -> None:
        """Stop replica `i` (0-based) by its process id, as a crash or an administrator would."""
        self.apps[i].stop()

    def pids(self) -> list[int]:
        """Process ids of every process this stack started and that still runs (PostgreSQL's postmaster too)."""
        procs = [a.proc for a in self.apps] + [self.haproxy.proc if self.haproxy else None]
        if self.dask:
            procs += [self.dask.scheduler, *self.dask.workers]
        out = [p.pid for p in procs if p is not None and p.poll() is None]
        pm = self.postgres.data / "postmaster.pid" if self.postgres else None
        if pm is not None and pm.exists():
            out.append(int(pm.read_text().split()[0]))
        return out

    def stop(self, grace: float = 10) -> None:
        """Stop everything this stack started, by process id: SIGTERM to all at once, SIGKILL to any
        still running after `grace` seconds, then PostgreSQL."""
        if self.dask:
            self.dask.close_client()
        front = [self.haproxy.proc if self.haproxy else None] + [a.proc for a in self.apps]
        front += self.dask.workers if self.dask else []
        for wave in (front, [self.dask.scheduler] if self.dask else []):  # workers leave before their scheduler
            live = [p for p in wave if p is not None and p.poll() is None]
            for p in live:
                p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + grace
            for p in live:
                try:
                    p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(10)
        for part in [self.haproxy, *self.apps, self.dask]:
            if part is not None:
                part.stop()  # closes their log files (the processes have ended)
        if self.postgres:
            self.postgres.stop()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
