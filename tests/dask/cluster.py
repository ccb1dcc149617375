"""A real Dask cluster for the tests: `dask scheduler` and `dask worker` processes on loopback.

    cluster = DaskCluster.start(workers=2, env={...})  # scheduler + workers (no nanny: a killed worker stays dead)
    cluster.address                                     # tcp://127.0.0.1:<port>
    cluster.worker_pids()                               # {worker address: process id}
    cluster.kill_worker(address); cluster.kill_scheduler(); cluster.stop()

Workers run like scripts/cluster.sh starts them: the repository on PYTHONPATH, the app's settings
in the environment; each is warmed up (TensorFlow imported) before the tests use it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
DASK = str(Path(sys.executable).with_name("dask"))


def _warm_up() -> int:
    import cnn_core.nn.remote  # noqa: F401 - the task's module
    import cnn_core.nn.runner  # noqa: F401 - TensorFlow and Keras, once per worker

    return os.getpid()


def _has_task(key: str, dask_scheduler=None) -> bool:
    return key in dask_scheduler.tasks


class DaskCluster:
    def __init__(self, port: int, env: dict):
        self.port, self.env = port, env
        self.address = f"tcp://127.0.0.1:{port}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.client = None

    @classmethod
    def start(
        cls, workers: int = 2, env: dict | None = None, timeout: float = 120, port: int = 0, warm: bool = True
    ) -> DaskCluster:
        from distributed import Client

        full = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
        cluster = cls(port or free_port(), full)
        try:
            cluster.scheduler = cluster._spawn("scheduler", "--host", "127.0.0.1", "--port", str(cluster.port))
            for i in range(workers):
                cluster.add_worker(f"w{i + 1}")
            cluster.client = Client(cluster.address, timeout=30, set_as_default=False)
            if workers:
                cluster.client.wait_for_workers(workers, timeout=timeout)
                if warm:
                    cluster.client.run(_warm_up)  # every worker in parallel
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [DASK, *args, "--no-dashboard"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def add_worker(self, name: str) -> subprocess.Popen:
        w = self._spawn(
            "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
            "--host", "127.0.0.1", "--memory-limit", "0", "--death-timeout", "30",
        )  # fmt: skip
        self.workers.append(w)
        return w

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def has_task(self, key: str) -> bool:
        """True while the scheduler holds a task of that key (waiting, running or kept)."""
        return self.client.run_on_scheduler(_has_task, key)

    def kill_worker(self, address: str) -> None:
        """SIGKILL: the machine stops at once, nothing is said to anyone."""
        os.kill(self.worker_pids()[address], signal.SIGKILL)

    def kill_scheduler(self) -> None:
        self.scheduler.kill()
        self.scheduler.wait(30)

    def stop(self) -> None:
        if self.client is not None:
            self.client.close(timeout=2)
        for p in [*self.workers, self.scheduler]:
            if p is not None and p.poll() is None:
                p.kill()
        for p in [*self.workers, self.scheduler]:
            if p is not None:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    pass


def wait_for(check, timeout: float = 30.0, step: float = 0.1):
    """Poll `check()` until it returns something true; returns (value, seconds waited)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        value = check()
        if value:
            return value, time.monotonic() - t0
        time.sleep(step)
    raise AssertionError(f"still false after {timeout} s: {check}")
