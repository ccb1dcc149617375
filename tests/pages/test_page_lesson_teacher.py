"""AppTest of lesson links in class mode: the teacher saves and pushes a lesson; a learner of the class
is offered it in the sidebar and opens it (or puts it off); other classes and lone learners see nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cnn_core.store import learners, lessons
from cnn_core.store.migrate import open_store
from ui import classroom
from ui.teacher import guard, inputs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db():
    s = open_store()  # the tests' own database ($CNN_EXPLAINER_DB, set in tests/conftest.py)
    yield s
    s.dispose()


def teacher(room) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "teacher.py"), default_timeout=60)
    at.session_state[guard.UNLOCKED] = True
    at.session_state[inputs.CLASS] = room.id
    at.run()
    assert not at.exception, at.exception
    return at


def _save(at, room, name: str, link: str) -> None:
    boxes = {t.label: t for t in at.text_input}
    boxes["Lesson name"].input(name)
    boxes["Lesson link"].input(link)
    next(b for b in at.button if b.label == "Save the lesson").click().run()
    assert not at.exception, at.exception


def test_teacher_saves_pushes_and_stops_a_lesson(db):
    room = learners.create_class(db, "Lessons 5B")
    at = teacher(room)
    assert any("Copy link to this view" in m.value for m in at.markdown)
    token = "ab" * 16
    _save(at, room, "Edges <b>now</b>", f"http://localhost:8501/kernels?key={token}&kernel=sobel-x&stride=9")
    assert any("Saved" in s.value and "\\<b\\>" in s.value for s in at.success)  # the name shown as text
    assert any("stride 9 is outside" in w.value.replace("\\", "") for w in at.warning)
    saved = lessons.of_class(db, room.id)
    assert [x.link for x in saved] == ["kernels?kernel=sobel-x&stride=4"]
    assert any(c.value.endswith("/kernels?kernel=sobel-x&stride=4") and token not in c.value for c in at.code)

    at.button(key=f"lesson_push_{saved[0].id}").click().run()
    assert lessons.pushed(db, room.id).id == saved[0].id
    assert any("offered to the class now" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Stop offering it").click().run()
    assert lessons.pushed(db, room.id) is None
    at.button(key=f"lesson_delete_{saved[0].id}").click().run()
    assert lessons.of_class(db, room.id) == [] and any("No lesson saved" in c.value for c in at.caption)


def test_a_pasted_text_that_is_no_lesson_link_is_refused(db):
    room = learners.create_class(db, "Lessons 5C")
    at = teacher(room)
    _save(at, room, "Secret", "http://localhost:8501/teacher?x=[y](javascript:z)")
    assert any("does not open a page with settings" in e.value for e in at.error)
    assert lessons.of_class(db, room.id) == []


def learner_page(token: str, page: str = "data") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["key"] = token
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _offer(at) -> str | None:
    return next((m.value for m in at.sidebar.markdown if m.value.startswith("Your teacher shared")), None)


def test_a_learner_of_the_class_is_offered_the_lesson_and_opens_it(db):
    room = learners.create_class(db, "Lessons 5D")
    _, token = learners.join(db, room.code, "Ada")
    at = learner_page(token)
    assert _offer(at) is None  # nothing pushed yet
    lesson = lessons.save(db, room.id, "Sobel [x]", "kernels?kernel=sobel-x&stride=2&lock=stride").lesson
    lessons.push(db, lesson.id)
    at.run()
    assert _offer(at) == "Your teacher shared: **Sobel \\[x\\]**"
    assert at.number_input(key="data_index").value == 7321  # still on the Data page: nothing moved

    at.button(key="lesson_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="k_kernel").value == "Sobel x"  # now on the Kernels page, with the lesson's view
    assert at.number_input(key="k_stride").value == 2 and at.number_input(key="k_stride").disabled
    assert at.query_params["key"] == token  # still this learner
    assert _offer(at) is None  # opened: not offered again in this session
    lessons.push(db, lesson.id)  # pushed again by the teacher: offered again
    at.run()
    assert _offer(at) is not None


def test_not_now_puts_the_offer_away_and_other_learners_see_nothing(db):
    room, other = learners.create_class(db, "Lessons 5E"), learners.create_class(db, "Lessons 5F")
    _, ada = learners.join(db, room.code, "Ada")
    _, bob = learners.join(db, other.code, "Bob")
    lessons.push(db, lessons.save(db, room.id, "Pool", "kernels?view=pooling").lesson.id)
    at = learner_page(ada)
    assert _offer(at) is not None
    at.button(key="lesson_later").click().run()
    assert _offer(at) is None and at.number_input(key="data_index").value == 7321
    assert _offer(learner_page(bob)) is None  # another class
    alone = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    alone.switch_page("app_pages/data.py").run()
    assert _offer(alone) is None and classroom.LESSON_SEEN not in alone.session_state
