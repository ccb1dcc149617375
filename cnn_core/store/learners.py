"""Who is who, without accounts: classes with short codes, learners with nicknames and private tokens.

A learner proves who they are with a private token (128 random bits, kept in their own address);
the store holds only its SHA-256 (cnn_core.jobs.owner_hash). Someone working alone is a personal
learner: no class, no nickname, made the first time they keep something.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cnn_core.jobs import owner_hash
from cnn_core.store.db import Store
from cnn_core.store.tables import ClassRoom, Learner

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector without doubt
CODE_LENGTH = 6
NICKNAME_MAX = 20
CLASS_NAME_MAX = 80
_TOKEN = re.compile(r"[0-9a-f]{32}")
_NICK_EXTRA = set(" -_.'")


class JoinError(ValueError):
    """A class code or nickname that cannot be used; str(e) says why and what to do."""


def new_token() -> str:
    """A learner's private token: 32 hex digits (128 bits)."""
    return secrets.token_hex(16)


def is_token(text) -> bool:
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None


def normalise_code(text) -> str | None:
    """A class code as typed ('ab3-k9x ', 'AB3K9X') in its one form, or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = re.sub(r"[\s-]", "", text).upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def check_nickname(text) -> str:
    """The nickname to keep (spaces trimmed), or JoinError saying what is wrong with it."""
    nick = unicodedata.normalize("NFC", text if isinstance(text, str) else "").strip()
    if not nick:
        raise JoinError("Type a nickname first: it is how your teacher and the class will see your runs.")
    if len(nick) > NICKNAME_MAX:
        raise JoinError(f"That nickname has {len(nick)} characters; keep it to {NICKNAME_MAX} or fewer.")
    bad = sorted({c for c in nick if not (c.isalnum() or c in _NICK_EXTRA)})
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        raise JoinError(
            f"A nickname may use letters, digits, spaces and - _ . ' only; this one also has {shown}. Try another."
        )
    return nick


def create_class(store: Store, name: str) -> ClassRoom:
    """Open a class with a fresh short code."""
    name = (name or "").strip()[:CLASS_NAME_MAX] or time.strftime("Class of %d %B %Y")
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with store.lock, store.session("open the class") as s:
                room = ClassRoom(code=code, name=name, created=time.time(), show_leaderboard=True)
                s.add(room)
            return room
        except IntegrityError:
            continue  # that code is taken (1 in 887 million per class): draw another
    raise RuntimeError("could not draw a free class code")


def find_class(store: Store, code) -> ClassRoom | None:
    """The class with this code (as typed), open or closed; None for anything else."""
    code = normalise_code(code)
    if code is None:
        return None
    with store.session("find the class") as s:
        return s.scalar(select(ClassRoom).where(ClassRoom.code == code))


def classes(store: Store) -> list[ClassRoom]:
    with store.session("list the classes") as s:
        return list(s.scalars(select(ClassRoom).order_by(ClassRoom.created.desc())))


def join(store: Store, code, nickname) -> tuple[Learner, str]:
    """Join the class `code` as `nickname`; returns the new learner and their private token.

    Raises JoinError for a wrong or closed class code, or a nickname that is empty, too long,
    has other characters, or is taken in this class.
    """
    room = find_class(store, code)
    if room is None:
        raise JoinError("No class has this code. Check the code on your teacher's screen and try again.")
    if room.closed is not None:
        raise JoinError("This class has been closed by its teacher, so nobody can join it any more.")
    nick = check_nickname(nickname)
    token = new_token()
    try:
        with store.lock, store.session("join the class") as s:
            learner = Learner(
                class_id=room.id,
                nickname=nick,
                nickname_key=nick.casefold(),
                token_hash=owner_hash(token),
                created=time.time(),
            )
            s.add(learner)
    except IntegrityError as e:
        raise JoinError("Someone in this class already has that nickname. Pick another one.") from e
    return learner, token


def by_token(store: Store, token) -> Learner | None:
    """The learner whose private token this is (checked for shape first), or None."""
    if not is_token(token):
        return None
    with store.session("find you") as s:
        return s.scalar(select(Learner).where(Learner.token_hash == owner_hash(token)))


def personal(store: Store, token: str) -> Learner:
    """The learner for this token, made now (no class, no nickname) if it is new."""
    return personal_by_hash(store, owner_hash(token))


def personal_by_hash(store: Store, token_hash: str) -> Learner:
    """The learner whose token hashes to `token_hash`, made now (no class, no nickname) if new."""
    with store.session("find you") as s:
        found = s.scalar(select(Learner).where(Learner.token_hash == token_hash))
    if found is not None:
        return found
    try:
        with store.lock, store.session("keep your work") as s:
            learner = Learner(token_hash=token_hash, created=time.time())
            s.add(learner)
        return learner
    except IntegrityError:  # another tab of the same learner made it a moment ago
        return personal_by_hash(store, token_hash)


def class_of(store: Store, learner: Learner | None) -> ClassRoom | None:
    if learner is None or learner.class_id is None:
        return None
    with store.session("find your class") as s:
        return s.get(ClassRoom, learner.class_id)


def close_class(store: Store, class_id: int) -> None:
    """Nobody can join any more; everything kept stays readable for the teacher."""
    with store.lock, store.session("close the class") as s:
        room = s.get(ClassRoom, class_id)
        if room is not None and room.closed is None:
            room.closed = time.time()


def set_leaderboard(store: Store, class_id: int, show: bool) -> None:
    with store.lock, store.session("change the class") as s:
        room = s.get(ClassRoom, class_id)
        if room is not None:
            room.show_leaderboard = bool(show)


def delete_learner(store: Store, learner_id: int) -> None:
    """Delete a learner with every run, model and drawing of theirs (the tables cascade)."""
    with store.lock, store.session("delete the learner's data") as s:
        learner = s.get(Learner, learner_id)
        if learner is not None:
            s.delete(learner)


def members(store: Store, class_id: int) -> list[Learner]:
    with store.session("list the class") as s:
        return list(s.scalars(select(Learner).where(Learner.class_id == class_id).order_by(Learner.created)))
