"""Lesson links kept for a class (cnn_core.store.lessons), on SQLite and PostgreSQL: saved in their canonical
form without identity, pushed (the latest push is offered), stopped, deleted, gone with their class."""

import time

import pytest
from alembic import command
from sqlalchemy import inspect

from cnn_core.store import learners, lessons
from cnn_core.store.migrate import config, current, head, upgrade
from cnn_core.store.tables import ClassRoom

TOKEN = "0123456789abcdef" * 2


def test_a_saved_link_keeps_the_page_and_its_settings_but_no_identity(store):
    room = learners.create_class(store, "5B")
    pasted = f"http://school:8501/kernels?key={TOKEN}&class={room.code}&job=abc&stride=2&kernel=Sobel-X&zzz=1"
    saved = lessons.save(store, room.id, "  Edges   and stride ", pasted)
    assert saved.lesson.link == "kernels?kernel=sobel-x&stride=2" and saved.lesson.name == "Edges and stride"
    assert saved.notes == [] and saved.lesson.pushed_at is None
    again = lessons.save(store, room.id, "Too far", "kernels?stride=12&lock=stride,secret")
    assert again.lesson.link == "kernels?stride=4&lock=stride" and len(again.notes) == 2
    assert [x.name for x in lessons.of_class(store, room.id)] == ["Too far", "Edges and stride"]
    assert all(TOKEN not in x.link and "class=" not in x.link for x in lessons.of_class(store, room.id))


@pytest.mark.parametrize(
    "name, link, words",
    [
        ("", "kernels?stride=2", "Give the lesson a name"),
        ("x" * 81, "kernels?stride=2", "81 characters"),
        ("Teacher", "http://school/teacher", "does not open a page"),
        ("Nothing", "", "Paste a link"),
    ],
)
def test_what_cannot_be_saved_is_said(store, name, link, words):
    room = learners.create_class(store, "5B")
    with pytest.raises(lessons.LessonError) as e:
        lessons.save(store, room.id, name, link)
    assert words in str(e.value)
    assert lessons.of_class(store, room.id) == []


def test_a_class_holds_at_most_lessons_max(store, monkeypatch):
    monkeypatch.setattr(lessons, "LESSONS_MAX", 3)
    room = learners.create_class(store, "5B")
    for i in range(3):
        lessons.save(store, room.id, f"L{i}", f"data?image={i}")
    with pytest.raises(lessons.LessonError, match="already has 3 lessons"):
        lessons.save(store, room.id, "one more", "data?image=9")
    with pytest.raises(lessons.LessonError, match="no longer exists"):
        lessons.save(store, room.id + 1000, "lost", "data?image=9")


def test_the_latest_push_is_offered_until_stopped_and_only_to_its_class(store):
    room, other = learners.create_class(store, "5B"), learners.create_class(store, "5C")
    a = lessons.save(store, room.id, "A", "architecture?net=c8k3-p2/d16").lesson
    b = lessons.save(store, room.id, "B", "draw?test=7349&layer=conv2").lesson
    assert lessons.pushed(store, room.id) is None and lessons.pushed(store, None) is None
    lessons.push(store, a.id)
    assert lessons.pushed(store, room.id).id == a.id and lessons.pushed(store, other.id) is None
    time.sleep(0.01)
    lessons.push(store, b.id)
    assert lessons.pushed(store, room.id).id == b.id
    time.sleep(0.01)
    lessons.push(store, a.id)  # pushed again: offered again, also to those who dismissed it
    assert lessons.pushed(store, room.id).id == a.id
    lessons.stop_pushing(store, room.id)
    assert lessons.pushed(store, room.id) is None
    lessons.push(store, 10_000)  # a deleted lesson: nothing happens


def test_delete_one_and_deleting_the_class_deletes_its_lessons(store):
    room = learners.create_class(store, "5B")
    keep = lessons.save(store, room.id, "keep", "evaluate?image=3").lesson
    gone = lessons.save(store, room.id, "gone", "evaluate?image=4").lesson
    lessons.delete(store, gone.id)
    lessons.delete(store, gone.id)  # twice: no error
    assert [x.id for x in lessons.of_class(store, room.id)] == [keep.id]
    with store.session() as s:
        s.delete(s.get(ClassRoom, room.id))
    assert lessons.of_class(store, room.id) == []


def test_the_lessons_table_comes_and_goes_with_its_revision(store):
    assert "lessons" in inspect(store.engine).get_table_names() and current(store) == head() == "0002"
    with store.engine.begin() as conn:
        command.downgrade(config(conn), "0001")
    assert "lessons" not in inspect(store.engine).get_table_names()
    assert "classes" in inspect(store.engine).get_table_names()
    upgrade(store)
    room = learners.create_class(store, "5B")
    assert lessons.save(store, room.id, "back", "data?image=1").lesson.link == "data?image=1"
