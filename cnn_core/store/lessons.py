"""A class's lesson links: a teacher saves named links to a page and its settings, and pushes one to
every learner of the class; each learner's page then offers to open it (it never moves them by itself).

A link is kept in its canonical form (cnn_core.lesson_links: the page, then only the settings that differ
from the defaults, and the locks), so it never carries anyone's identity (`key`, `class`, `job`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select, update

from cnn_core import lesson_links
from cnn_core.store.db import Store
from cnn_core.store.tables import ClassRoom, Lesson

NAME_MAX = 80
LESSONS_MAX = 50  # per class: a longer list would not fit on the teacher's screen anyway


class LessonError(ValueError):
    """A lesson that cannot be saved; str(e) says why and what to do."""


@dataclass(frozen=True)
class Saved:
    """A lesson just saved, with notes about settings of the pasted link that could not be used."""

    lesson: Lesson
    notes: list[str]


def canonical(link: str) -> tuple[str, list[str]]:
    """('kernels?kernel=sobel-x&stride=2', notes) from a pasted link; raises LessonError for a non-link."""
    try:
        page, lesson = lesson_links.parse_link(link)
    except ValueError as e:
        raise LessonError(str(e)) from None
    return lesson_links.link(page, lesson.values, lesson.locks), lesson.notes


def save(store: Store, class_id: int, name: str, link: str) -> Saved:
    """Keep a named lesson link for the class (identity and unknown parameters dropped)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise LessonError("Give the lesson a name, so that learners know what they are opening.")
    if len(name) > NAME_MAX:
        raise LessonError(f"That name has {len(name)} characters; keep it to {NAME_MAX} or fewer.")
    text, notes = canonical(link)
    with store.lock, store.session("save the lesson") as s:
        if s.get(ClassRoom, class_id) is None:
            raise LessonError("This class no longer exists.")
        count = s.scalar(select(func.count()).select_from(Lesson).where(Lesson.class_id == class_id))
        if count >= LESSONS_MAX:
            raise LessonError(f"This class already has {LESSONS_MAX} lessons; delete one first.")
        lesson = Lesson(class_id=class_id, name=name, link=text, created=time.time())
        s.add(lesson)
    return Saved(lesson, notes)


def of_class(store: Store, class_id: int) -> list[Lesson]:
    """The class's lessons, newest first."""
    with store.session("read the lessons") as s:
        rows = s.scalars(select(Lesson).where(Lesson.class_id == class_id).order_by(Lesson.created.desc()))
        return list(rows)


def push(store: Store, lesson_id: int) -> None:
    """Send this lesson to every learner of its class now (the latest push is the one offered)."""
    with store.lock, store.session("push the lesson") as s:
        lesson = s.get(Lesson, lesson_id)
        if lesson is not None:
            lesson.pushed_at = time.time()


def stop_pushing(store: Store, class_id: int) -> None:
    """Learners' pages no longer offer any of the class's lessons."""
    with store.lock, store.session("stop offering the lesson") as s:
        s.execute(update(Lesson).where(Lesson.class_id == class_id).values(pushed_at=None))


def pushed(store: Store, class_id: int | None) -> Lesson | None:
    """The lesson last pushed to this class, or None."""
    if class_id is None:
        return None
    with store.session("read the lessons") as s:
        return s.scalar(
            select(Lesson)
            .where(Lesson.class_id == class_id, Lesson.pushed_at.is_not(None))
            .order_by(Lesson.pushed_at.desc(), Lesson.id.desc())
            .limit(1)
        )


def delete(store: Store, lesson_id: int) -> None:
    with store.lock, store.session("delete the lesson") as s:
        lesson = s.get(Lesson, lesson_id)
        if lesson is not None:
            s.delete(lesson)
