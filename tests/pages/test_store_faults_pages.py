"""What a learner sees when the database misbehaves: a plain sentence where they were working, nothing lost."""

import sqlite3

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from cnn_core.store import drawings, learners
from cnn_core.store.db import StoreError
from cnn_core.store.migrate import open_store
from tests.support.canvas import canvas_value, drawn
from tests.unit.test_store_faults import on_connect
from ui.draw.inputs import CANVAS_PREFIX
from ui.store import store

APP = "../../app.py"


@pytest.fixture
def own_database(tmp_path, monkeypatch):
    """The app's store becomes a fresh SQLite file of this test's (and the default one again afterwards)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.setenv("CNN_EXPLAINER_DB", url)
    store.clear()
    yield tmp_path / "store.sqlite3"
    store.clear()  # the next test opens the default database again


def test_a_database_from_a_newer_app_is_refused_in_words(own_database):
    open_store(f"sqlite:///{own_database}").dispose()
    with sqlite3.connect(own_database) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9f3e_from_the_future'")
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    words = " ".join(e.value for e in at.error).replace("\\", "")
    assert "made by a newer version of this app" in words and "Nothing in it was changed" in words


def test_a_full_disk_when_sending_a_drawing_says_so_and_keeps_the_page(own_database):
    from cnn_core.samples import load_samples

    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("app_pages/draw.py").run()
    at.session_state[CANVAS_PREFIX + "0"] = canvas_value(drawn(load_samples().images[0]))
    at.run()
    with store().session() as s:
        pages = s.execute(text("PRAGMA page_count")).scalar()
    on_connect(store(), f"PRAGMA max_page_count = {pages}")  # not one page more
    filler = learners.personal(store(), learners.new_token())
    for _ in range(1000):  # fill the drawings' last pages too: now nothing fits
        try:
            drawings.submit(store(), filler, load_samples().images[1] / 255.0, 1, [])
        except StoreError:
            break
    meant = next(s for s in at.selectbox if s.label == "The digit you meant")
    meant.set_value(3).run()
    next(b for b in at.button if b.label == "Send").click().run()
    assert not at.exception and len(at.metric) == 1  # the prediction is still on the page
    words = " ".join(e.value for e in at.error).replace("\\", "")
    assert "the disk holding the database is full" in words
    store().engine.dispose()
    with sqlite3.connect(own_database) as raw:
        assert raw.execute("SELECT count(*) FROM drawings WHERE learner_id != ?", (filler.id,)).fetchone()[0] == 0
