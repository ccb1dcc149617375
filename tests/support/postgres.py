"""A throwaway PostgreSQL server for the store's tests: started once, one empty database per test.

    server = PostgresServer.start()           # initdb + pg_ctl in a temp folder, loopback, free port
    url = server.emptied_database()           # the session's test database, emptied (~40 ms)
    url = server.new_database()               # postgresql+psycopg://postgres@127.0.0.1:<port>/t_<n> (~0.3-1 s)
    server.drop_database(url)
    server.stop()                             # pg_ctl stop -m immediate; the folder is removed

Uses Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin; `bash scripts/setup.sh dev`
installs it). initdb refuses to run as root, so as root the server runs as the `postgres` user
(`runuser`), in a folder that user owns. The server listens on 127.0.0.1 only, its unix socket sits
in the temp folder, and durability is switched off (fsync=off): the data is thrown away anyway.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
PREFIX = "cnn-explainer-pg-"  # temp folders of these servers (with owner.pid: the test session's process)


def bin_dir() -> Path | None:
    """The newest PostgreSQL server's bin folder (initdb, pg_ctl), or None when none is installed."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans(bindir: Path, run_as: str | None) -> None:
    """Stop and remove servers left by test sessions that were killed before they could stop them."""
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((root / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue  # another session running now (a colleague's): not ours to touch
        if (root / "data" / "postmaster.pid").exists():
            cmd = [str(bindir / "pg_ctl"), "stop", "-D", str(root / "data"), "-m", "immediate", "-w"]
            subprocess.run((["runuser", "-u", run_as, "--"] if run_as else []) + cmd, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One running server in its own temp folder (see the module docstring)."""

    def __init__(self, bindir: Path, root: Path, run_as: str | None, port: int):
        self.bindir, self.root, self.run_as, self.port = bindir, root, run_as, port
        self.data, self.log = root / "data", root / "server.log"
        self._names = itertools.count(1)
        self._shared: str | None = None
        self._running = False

    def _cmd(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    @classmethod
    def start(cls, attempts: int = 3) -> PostgresServer:
        """initdb a fresh cluster and start it; raises RuntimeError (with the server's log) on failure."""
        bindir = bin_dir()
        if bindir is None:
            raise FileNotFoundError("PostgreSQL is not installed (run: bash scripts/setup.sh dev)")
        run_as = SUPERUSER if os.geteuid() == 0 else None
        reap_orphans(bindir, run_as)
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        (root / "owner.pid").write_text(str(os.getpid()))  # which test session this server belongs to
        if run_as:
            pw = pwd.getpwnam(run_as)
            os.chown(root, pw.pw_uid, pw.pw_gid)
        server = cls(bindir, root, run_as, 0)
        try:
            server._cmd(
                bindir / "initdb",
                "-D",
                server.data,
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            for _ in range(attempts):  # a free port may be taken between finding it and binding it
                server.port = free_port()
                opts = (
                    f"-c listen_addresses=127.0.0.1 -p {server.port} -k {root} "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
                )
                done = server._cmd(
                    bindir / "pg_ctl", "start", "-w", "-t", "60", "-D", server.data, "-l", server.log, "-o", opts,
                    check=False,
                )  # fmt: skip
                if done.returncode == 0:
                    server._running = True
                    atexit.register(server.stop)  # even if the session ends abnormally
                    return server
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip()}\n{server.read_log()}")
        except BaseException:
            server.stop()
            raise

    def read_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True) as c:
            c.execute(sql)

    def emptied_database(self) -> str:
        """The session's shared test database with nothing in it: connections a test left open are
        closed, then schema `public` is dropped and made again (much faster than CREATE DATABASE)."""
        if self._shared is None:
            self._shared = self.new_database()
        name = self._shared.rsplit("/", 1)[1]
        self._admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' "
            "AND pid <> pg_backend_pid()"
        )
        self._admin("DROP SCHEMA public CASCADE; CREATE SCHEMA public", database=name)
        return self._shared

    def new_database(self) -> str:
        """A new empty database (copied from template0: a few milliseconds); returns its address."""
        name = f"t_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database at `url`, closing any connection a test left open."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def restart(self) -> None:
        """Restart the server as an administrator would (-m fast: every open connection is cut, every
        commit kept; -m immediate would lose the last commits here, as synchronous_commit is off)."""
        self._cmd(self.bindir / "pg_ctl", "restart", "-D", self.data, "-m", "fast", "-w", "-t", "60", "-l", self.log)

    def stop(self) -> None:
        """Stop the server at once (nothing in it is worth keeping) and remove its folder."""
        if self._running:
            self._cmd(self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", "immediate", "-w", check=False)
            self._running = False
        shutil.rmtree(self.root, ignore_errors=True)
