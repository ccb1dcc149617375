"""Database faults reach the learner as one plain sentence: full disk, read-only, busy, unreachable.

Tests named test_sqlite_* fake faults only SQLite can fake (page budget, read-only URI, an exclusive
lock from another connection); test_postgresql_* do the same on the real PostgreSQL server.
"""

import sqlite3

import psycopg
import pytest
from sqlalchemy import event

from cnn_core.store import learners, settings_table
from cnn_core.store.db import Store, StoreError
from cnn_core.store.migrate import open_store
from tests.support.postgres import free_port

TECHNICAL = ("traceback", "sqlite3", "psycopg", "operationalerror", "sqlalchemy", "errno", "insert into", "[sql")


def plain(e: StoreError) -> str:
    """The message, checked to be one plain sentence without a trace of the machinery."""
    msg = str(e)
    assert msg.startswith("Could not ") and "Nothing you saw before was lost." in msg
    assert not any(word in msg.lower() for word in TECHNICAL), msg
    assert "\n" not in msg
    return msg


def on_connect(store, sql: str) -> None:
    """Run `sql` on every new connection of `store` from now on (the pool is emptied first)."""
    store.engine.dispose()

    def run(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute(sql)
        cur.close()
        if not store.is_sqlite:
            dbapi_conn.commit()  # a SET inside a transaction the pool rolls back would be undone

    event.listen(store.engine, "connect", run)


def test_sqlite_full_disk(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    settings_table.put(store, "before", 1)
    with sqlite3.connect(tmp_path / "store.sqlite3") as raw:
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
    on_connect(store, f"PRAGMA max_page_count = {pages + 1}")  # the disk holds one more page
    with pytest.raises(StoreError) as e:
        settings_table.put(store, "big", "x" * 200_000)
    assert "disk holding the database is full" in plain(e.value)
    assert settings_table.get(store, "before") == 1 and settings_table.get(store, "big") is None
    store.dispose()


def test_sqlite_read_only_database(tmp_path):
    path = tmp_path / "store.sqlite3"
    open_store(f"sqlite:///{path}").dispose()
    store = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")  # root ignores chmod; the URI does not
    assert learners.classes(store) == []  # reading works
    with pytest.raises(StoreError) as e:
        learners.create_class(store, "Class 5B")
    assert "cannot be written" in plain(e.value) and "open the class" in str(e.value)
    store.dispose()


def test_sqlite_database_held_by_another_program(tmp_path):
    path = tmp_path / "store.sqlite3"
    store = open_store(f"sqlite:///{path}")
    on_connect(store, "PRAGMA busy_timeout = 200")  # the app waits 15 s; the test 0.2 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as e:
            settings_table.put(store, "x", 1)
        assert "stayed busy" in plain(e.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    settings_table.put(store, "x", 1)  # free again: the next write goes through
    assert settings_table.get(store, "x") == 1
    store.dispose()


def test_sqlite_folder_that_does_not_exist(tmp_path):
    with pytest.raises(StoreError) as e:
        open_store(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'store.sqlite3'}")
    assert "could not be opened" in plain(e.value) and "server" not in str(e.value)


def test_postgresql_server_not_running():
    with pytest.raises(StoreError) as e:
        open_store(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing")
    assert "server could not be reached" in plain(e.value)


def test_postgresql_waits_15_s_for_a_lock_then_says_busy(postgres_server):
    url = postgres_server.new_database()
    store = open_store(url)
    try:
        with store.engine.connect() as conn:  # the app's own limit, like SQLite's busy timeout
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "15s"
        on_connect(store, "SET lock_timeout = 200")
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as other:
            other.execute("LOCK TABLE settings IN ACCESS EXCLUSIVE MODE")  # held until `other` ends
            with pytest.raises(StoreError) as e:
                settings_table.put(store, "x", 1)
            assert "stayed busy" in plain(e.value)
        settings_table.put(store, "x", 1)
        assert settings_table.get(store, "x") == 1
    finally:
        store.dispose()
        postgres_server.drop_database(url)


def test_postgresql_read_only_database(postgres_server):
    url = postgres_server.new_database()
    open_store(url).dispose()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    store = open_store(url)
    try:
        assert learners.classes(store) == []
        with pytest.raises(StoreError) as e:
            learners.create_class(store, "Class 5B")
        assert "cannot be written" in plain(e.value)
    finally:
        store.dispose()
        postgres_server.drop_database(url)


def test_sqlite_never_blames_a_server(tmp_path):
    """SQLite has no server: its other errors (here a database that was never set up) say it refused."""
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")  # not migrated: no tables
    with pytest.raises(StoreError) as e:
        learners.classes(store)
    assert "the database refused it" in plain(e.value) and "server" not in str(e.value)
    store.dispose()


def test_postgresql_restart_is_survived(postgres_server):
    """The server restarts between two page runs: the pooled connections are dead, the next call works."""
    url = postgres_server.new_database()
    store = open_store(url)
    try:
        learners.create_class(store, "Before")
        postgres_server.restart()
        assert [r.name for r in learners.classes(store)] == ["Before"]
        learners.create_class(store, "After")
        assert len(learners.classes(store)) == 2
    finally:
        store.dispose()
        postgres_server.drop_database(url)
