"""Opening the store with its schema migrations (Alembic) applied: `open_store()`, `upgrade(store)`.

A new schema is a new revision file in migrations/versions/ (write it with
`python -m cnn_core.store.migrate revision "what changed"`, then read and correct it).
"""

from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import exc

from cnn_core.store.db import MIGRATIONS, SchemaTooNew, Store, default_url, friendly


def config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this version of the app knows."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(store: Store) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Bring the database to `revision`; refuse a database made by a newer app (SchemaTooNew).

    Several server processes may start at once on a new database: one migrates while the others
    wait for it (a lock held by the migrating transaction), then find the schema up to date.
    """
    scripts = ScriptDirectory.from_config(config())
    known = {s.revision for s in scripts.walk_revisions()}
    target = scripts.get_revision(revision)
    try:
        with store.lock:
            at = current(store)
            _refuse_newer(store, at, known)
            if target is not None and at == target.revision:
                return  # the usual start: nothing to do, no lock taken (a read-only database opens too)
            with store.engine.begin() as conn:
                _migration_lock(conn)
                at = MigrationContext.configure(conn).get_current_revision()
                _refuse_newer(store, at, known)
                command.upgrade(config(conn), revision)
    except exc.DBAPIError as e:
        raise friendly(e, "open the app's database") from e


def _refuse_newer(store: Store, at: str | None, known: set[str]) -> None:
    if at is not None and at not in known:
        raise SchemaTooNew(
            f"The database at {store.url_for_humans} was made by a newer version of this app "
            f"(its schema is '{at}'; this version knows up to '{head()}'). Update the app, or point "
            "CNN_EXPLAINER_DB at another database. Nothing in it was changed."
        )


def _migration_lock(conn) -> None:
    """Hold the database's write lock (SQLite) or an advisory lock (PostgreSQL) until this transaction ends."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to the busy timeout for another writer
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727011)")  # this app's migration lock number


def open_store(url: str | None = None, migrate: bool = True) -> Store:
    """The store at `url` (default: $CNN_EXPLAINER_DB, else SQLite in the cache folder), brought to the
    newest schema when `migrate`. Raises SchemaTooNew for a database made by a newer version of the
    app, StoreError when the database cannot be opened or changed."""
    store = Store(url or default_url())
    if migrate:
        upgrade(store)
    return store


if __name__ == "__main__" and sys.argv[1:2] == ["revision"]:
    store = Store(default_url())
    with store.engine.begin() as conn:
        command.revision(config(conn), message=sys.argv[2], autogenerate=True)
