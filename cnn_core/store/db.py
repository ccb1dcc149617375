"""Opening the store: the database address, the engine, migrations on start, faults in plain words.

    store = open_store()              # (cnn_core.store.migrate) $CNN_EXPLAINER_DB, else SQLite; migrated
    with store.session() as s: ...    # one transaction; committed on success
    store.url_for_humans              # the address without its password

SQLite runs in WAL mode (a training thread writes while pages read) with a busy timeout, so a short
write lock waits instead of failing. Any SQLAlchemy address works through `CNN_EXPLAINER_DB`;
PostgreSQL through psycopg 3 (`postgresql+psycopg://user:pw@host/db`) is the documented server choice.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from cnn_core.data import cache_root

DB_ENV = "CNN_EXPLAINER_DB"
MIGRATIONS = Path(__file__).with_name("migrations")


class StoreError(RuntimeError):
    """The database cannot do what was asked; str(e) says why in plain words and what to do."""


class SchemaTooNew(StoreError):
    """The database was made by a newer version of this app."""


def default_url() -> str:
    """$CNN_EXPLAINER_DB, else an SQLite file `store.sqlite3` in the app's cache folder."""
    url = os.environ.get(DB_ENV, "").strip()
    if url:
        return url
    folder = cache_root()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'store.sqlite3'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a commit does not wait for the disk
    cur.execute("PRAGMA foreign_keys=ON")  # deleting a learner deletes their runs and drawings
    cur.execute("PRAGMA busy_timeout=15000")  # wait up to 15 s for another writer, then fail
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for `url` (SQLite: WAL, foreign keys, busy timeout; others: pre-ping after restarts)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {}
    if u.get_backend_name() == "postgresql" and u.get_driver_name() in ("psycopg", "psycopg2"):
        if "options" not in u.query:  # like SQLite's busy timeout: a held lock fails after 15 s, never hangs
            connect_args["options"] = "-c lock_timeout=15000"
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


def friendly(e: BaseException, where: str) -> StoreError:
    """A database fault as one plain sentence (the technical detail goes to the server log only)."""
    text = str(getattr(e, "orig", e)).lower()
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        why = "the database file cannot be written (check its permissions or free the disk it is on)"
    elif "full" in text or "no space" in text:
        why = "the disk holding the database is full"
    elif "locked" in text or "busy" in text or "lock timeout" in text or "deadlock" in text:
        why = "the database stayed busy for too long (another program may be holding it)"
    elif "unable to open" in text:  # SQLite: a missing folder or a file it may not create
        why = "the database file could not be opened (check that its folder exists and can be written)"
    elif isinstance(e, exc.OperationalError | exc.InterfaceError) and not _from_sqlite(e):
        why = "the database server could not be reached (it may be restarting; try again in a moment)"
    else:
        why = "the database refused it"
    return StoreError(f"Could not {where}: {why}. Nothing you saw before was lost.")


def _from_sqlite(e: BaseException) -> bool:
    """True for SQLite's own errors: SQLite has no server, so "could not be reached" would mislead."""
    return type(getattr(e, "orig", e)).__module__ == "sqlite3"


class Store:
    """The app's database: an engine and a session factory; open it with open_store()."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lock = threading.Lock()  # serialises this process's writers (SQLite allows one at a time)

    @property
    def url_for_humans(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, where: str = "read or save this"):
        """One transaction: committed when the block ends, rolled back on an error.

        Database faults are raised as StoreError with a plain sentence; `where` completes
        "Could not ..." (e.g. "save your run").
        """
        s: Session = self.sessions()
        try:
            yield s
            s.commit()
        except exc.DBAPIError as e:
            s.rollback()
            if isinstance(e, exc.IntegrityError):
                raise
            raise friendly(e, where) from e
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def dispose(self) -> None:
        self.engine.dispose()
