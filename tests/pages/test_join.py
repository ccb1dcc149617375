"""Joining a class from its link: the nickname form, its refusals, and who you are afterwards."""

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.store import learners
from ui import state
from ui.store import store

APP = "../../app.py"


def _open(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["class"] = code
    at.run()
    assert not at.exception
    return at


def _join(at: AppTest, nickname: str) -> AppTest:
    at.text_input[0].input(nickname)
    next(b for b in at.button if b.label == "Join the class").click()
    at.run()
    assert not at.exception
    return at


def test_a_learner_joins_with_a_nickname_and_stays_joined():
    room = learners.create_class(store(), "Form 4 <b>maths</b>")
    at = _open(room.code.lower())  # typed in lower case: still the class
    assert any("Join a class" in t.value for t in at.title)
    assert any(r"Form 4 \<b\>maths\<\/b\>" in m.value for m in at.markdown)  # the name is shown, never as HTML
    _join(at, "Ada")
    assert "class" not in at.query_params and len(at.query_params["key"]) == 32
    me = learners.by_token(store(), at.query_params["key"])
    assert me.nickname == "Ada" and me.class_id == room.id
    assert any("**Ada**" in c.value for c in at.sidebar.caption)
    assert not at.title or "Join a class" not in at.title[0].value  # the page itself now
    # a reload of the tab: a new session with the same address is the same learner
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["key"] = at.query_params["key"]
    again.run()
    assert any("**Ada**" in c.value for c in again.sidebar.caption)


def test_join_refusals_are_plain_and_keep_the_form():
    room = learners.create_class(store(), "7B")
    first = _join(_open(room.code), "Grace")
    assert not first.error
    for nickname, words in [
        ("", "Type a nickname"),
        ("<script>", "letters, digits"),
        ("grace", "already has that nickname"),  # the same nickname in another case
    ]:
        at = _open(room.code)
        at.text_input[0].input(nickname)
        next(b for b in at.button if b.label == "Join the class").click()
        at.run()
        assert not at.exception
        assert any(words in e.value.replace("\\", "") for e in at.error), (nickname, [e.value for e in at.error])
        assert "class" in at.query_params and state.LEARNER not in at.session_state
    # 500 characters: the field holds at most 20 (max_chars), and the store refuses more anyway
    with pytest.raises(learners.JoinError, match="keep it to 20"):
        learners.join(store(), room.code, "x" * 500)


def test_a_wrong_or_closed_code_says_so_and_offers_to_work_alone():
    at = _open("ZZZZZZ")
    assert any("No open class has this code" in e.value for e in at.error)
    room = learners.create_class(store(), "closed one")
    learners.close_class(store(), room.id)
    at = _open(room.code)
    assert any("closed by its teacher" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Use the app on my own instead").click()
    at.run()
    assert "class" not in at.query_params and not at.error


def test_a_class_member_sees_the_leaderboard_only_when_the_teacher_shows_it():
    from cnn_core.architecture import PRESETS
    from cnn_core.nn.model import build_model
    from cnn_core.store import runs
    from tests.support.runs import stored_run

    room = learners.create_class(store(), "board")
    who, token = learners.join(store(), room.code, "Lin")
    job = stored_run(store(), token, PRESETS["small"], build_model(PRESETS["small"]))
    job.test_accuracy, job.test_loss = 0.9731, 0.09
    runs.save_score(store(), job)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["key"] = token
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert any(s.value == "Class leaderboard" for s in at.subheader)
    assert any("The best 1 of 1 scored runs" in c.value for c in at.caption)
    learners.set_leaderboard(store(), room.id, False)
    at.run()
    assert not any(s.value == "Class leaderboard" for s in at.subheader)


def test_the_run_limit_is_said_before_it_deletes_anything(monkeypatch):
    """With 2 runs kept per learner and 2 finished, the Train page names the run the next start deletes."""
    from cnn_core.architecture import PRESETS
    from cnn_core.nn.model import build_model
    from tests.support.runs import stored_run

    monkeypatch.setenv("CNN_EXPLAINER_RUNS_KEPT", "2")
    token = learners.new_token()
    model = build_model(PRESETS["small"])
    first, second = (stored_run(store(), token, PRESETS["small"], model) for _ in range(2))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["key"] = token
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    note = next(c.value for c in at.caption if "You keep your 2 latest runs" in c.value)
    assert first.label.split(":")[0] in note and second.label.split(":")[0] not in note
