"""Schema migrations (Alembic) on SQLite and PostgreSQL: a new database, an old one, a too-new one."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from cnn_core import jobs
from cnn_core.store import drawings, learners, runs, settings_table, views
from cnn_core.store.db import SchemaTooNew, Store, StoreError
from cnn_core.store.migrate import config, current, head, open_store, upgrade
from cnn_core.store.tables import Base
from tests.support.jobs import TINY

ROOT = Path(__file__).resolve().parents[2]
TABLES = {"classes", "learners", "runs", "run_points", "run_models", "drawings", "settings"}


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table (alembic_version included), in a stable order."""
    out = {}
    with store.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f"SELECT * FROM {name}")).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def test_fresh_database_upgrades_to_head_and_matches_the_tables(store_url):
    store = Store(store_url)
    try:
        assert current(store) is None
        upgrade(store)
        assert current(store) == head()
        assert TABLES <= set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:  # the revisions build exactly what tables.py describes
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        upgrade(store)  # a second start changes nothing
        assert current(store) == head()
    finally:
        store.dispose()


def test_downgrade_to_base_and_back(store):
    with store.engine.begin() as conn:
        command.downgrade(config(conn), "base")
    assert set(inspect(store.engine).get_table_names()) & TABLES == set()
    upgrade(store)
    assert TABLES <= set(inspect(store.engine).get_table_names()) and current(store) == head()


def test_rows_written_by_the_first_schema_survive_the_upgrade(store_url):
    """A database made by revision 0001, filled with plain SQL as that schema has it, then opened by this app."""
    store = Store(store_url)
    upgrade(store, "0001")
    token, pixels = learners.new_token(), (np.arange(784) % 256).astype(np.uint8)
    history = '[{"epoch": 1, "loss": 0.5, "accuracy": 0.9, "val_loss": 0.4, "val_accuracy": 0.91}]'
    with store.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO classes (code, name, created, closed, show_leaderboard) "
                "VALUES ('AB3K9X', 'Class 5B', 1.0, NULL, :yes)"
            ),
            {"yes": True},
        )
        cid = c.execute(text("SELECT id FROM classes WHERE code = 'AB3K9X'")).scalar_one()
        c.execute(
            text(
                "INSERT INTO learners (class_id, nickname, nickname_key, token_hash, created) "
                "VALUES (:cid, 'Ada', 'ada', :h, 2.0)"
            ),
            {"cid": cid, "h": jobs.owner_hash(token)},
        )
        lid = c.execute(text("SELECT id FROM learners WHERE nickname = 'Ada'")).scalar_one()
        c.execute(
            text(
                "INSERT INTO runs (id, learner_id, class_id, number, label, token, arch, recipe, n_params, state, "
                "active, message, phase, phase_seconds, precision, precision_reason, steps_per_epoch, n_train, "
                "created, started, finished, test_loss, test_accuracy, history, kernels, last_epoch, last_batch, "
                "last_time, fit_start, cancel_requested, worker, heartbeat) VALUES ('0123456789ab', :lid, :cid, 1, "
                "'Run 1: adam', NULL, :arch, :recipe, 5546, 'done', :no, '', 'finished', '{}', 'float32', '', 9, "
                "288, 3.0, 4.0, 9.0, 0.2, 0.95, :history, NULL, 1, 9, 4.5, 0.5, :no, 'host:8501', 9.0)"
            ),
            {
                "lid": lid,
                "cid": cid,
                "arch": '{"conv_blocks": [{"filters": 4, "kernel_size": 3}], "dense_layers": [{"units": 8}]}',
                "recipe": '{"epochs": 1, "batch_size": 32, "train_size": 300, "an_old_field": 1}',
                "history": history,
                "no": False,
            },
        )
        c.execute(
            text(
                "INSERT INTO run_points (run_id, seq, kind, epoch, batch, loss, accuracy, time) VALUES "
                "('0123456789ab', 0, 'start', 0, 0, NULL, NULL, 0.5), "
                "('0123456789ab', 1, 'batch', 1, 9, 0.5, 0.9, 4.5)"
            )
        )
        c.execute(text("INSERT INTO run_models (run_id, weights) VALUES ('0123456789ab', :w)"), {"w": b"\x00h5\xff"})
        c.execute(
            text(
                "INSERT INTO drawings (learner_id, class_id, label, pixels, predictions, created) "
                "VALUES (:lid, :cid, 7, :px, '[]', 5.0)"
            ),
            {"lid": lid, "cid": cid, "px": pixels.tobytes()},
        )
        c.execute(text("""INSERT INTO settings (key, value) VALUES ('max_jobs', '{"v": 2}')"""))
    store.dispose()

    store = open_store(store_url)
    try:
        assert current(store) == head()
        ada = learners.by_token(store, token)
        assert (ada.nickname, ada.class_id) == ("Ada", cid)
        job = runs.load(store, "0123456789ab")
        assert job.state == jobs.DONE and job.arch == TINY and job.recipe.epochs == 1
        assert job.history[0]["val_accuracy"] == 0.91 and job.test_accuracy == 0.95
        assert job.progress()["done"] == 9 and job.has_model and job.fetch_weights() == b"\x00h5\xff"
        x, y, meta = drawings.of_class(store, cid)
        assert np.array_equal(np.rint(x[0] * 255).astype(np.uint8).ravel(), pixels) and list(y) == [7]
        assert settings_table.get(store, settings_table.MAX_JOBS) == 2
        assert [r["id"] for r in views.class_runs(store, cid)] == ["0123456789ab"]
        # the id sequences carry on after the old rows: new rows still get fresh ids
        other, _ = learners.join(store, "AB3K9X", "Grace")
        assert other.id != lid
    finally:
        store.dispose()


def test_a_database_from_a_newer_app_is_refused_and_left_untouched(kit, store, store_url):
    kit.run(kit.learner("Ada")[1])
    settings_table.put(store, settings_table.MAX_JOBS, 2)
    with store.engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9f3e_from_the_future'"))
    before = dump(store)
    store.dispose()

    with pytest.raises(SchemaTooNew) as e:
        open_store(store_url)
    msg = str(e.value)
    assert isinstance(e.value, StoreError)
    assert "9f3e_from_the_future" in msg and f"'{head()}'" in msg and "Nothing in it was changed" in msg
    assert "Traceback" not in msg and "alembic" not in msg.lower()
    again = Store(store_url)
    try:
        assert dump(again) == before
        assert current(again) == "9f3e_from_the_future"
    finally:
        again.dispose()


OPEN_WHEN_TOLD = """
import pathlib, sys, time
from cnn_core.store.migrate import open_store
go = pathlib.Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
open_store(sys.argv[1]).dispose()
"""


def test_servers_starting_together_on_a_new_database_all_open_it(store_url, tmp_path):
    """Three server processes migrate one new database at the same moment: one migrates, two wait."""
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_WHEN_TOLD, store_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ready"] * 3
        go.touch()
        outs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-600:] for _, err in outs]
    store = Store(store_url)
    try:
        assert current(store) == head()
    finally:
        store.dispose()
