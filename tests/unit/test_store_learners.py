"""Classes, codes, nicknames and private tokens (cnn_core.store.learners), on SQLite and PostgreSQL."""

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, inspect, select, text

from cnn_core.store import drawings, learners, runs
from cnn_core.store.learners import CODE_ALPHABET, CODE_LENGTH, JoinError
from cnn_core.store.tables import Drawing, Learner, Run, RunModel, RunPoint


def every_value(store) -> str:
    """Every row of every table, as text (what someone reading the database would see)."""
    with store.engine.connect() as conn:
        return "\n".join(
            repr(tuple(row))
            for name in inspect(conn).get_table_names()
            for row in conn.execute(text(f"SELECT * FROM {name}"))
        )


def test_class_codes_use_the_unambiguous_alphabet(store):
    rooms = [learners.create_class(store, f"Class {i}") for i in range(12)]
    for room in rooms:
        assert len(room.code) == CODE_LENGTH and set(room.code) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert len({r.code for r in rooms}) == len(rooms)
    assert [r.name for r in learners.classes(store)][0] == "Class 11"  # newest first
    assert learners.create_class(store, "   ").name.startswith("Class of ")


def test_longest_names_fit_their_columns(store):
    """PostgreSQL enforces VARCHAR lengths (SQLite does not): the longest allowed values must fit."""
    room = learners.create_class(store, "  " + "N" * 500)
    assert room.name == "N" * learners.CLASS_NAME_MAX and learners.find_class(store, room.code).name == room.name
    nick = "é" * learners.NICKNAME_MAX  # 20 letters, 40 bytes in UTF-8
    learner, _ = learners.join(store, room.code, nick)
    assert learners.members(store, room.id)[0].nickname == nick


@pytest.mark.parametrize(
    "typed, code",
    [
        (" ab3-k9x ", "AB3K9X"),
        ("AB3K9X", "AB3K9X"),
        ("ab3 k9x", "AB3K9X"),
        ("\tAB3-K9X\n", "AB3K9X"),
        ("AB0K9X", None),  # 0 is not in the alphabet (it looks like O)
        ("AB3K9", None),
        ("AB3K9XY", None),
        ("", None),
        (None, None),
        (123456, None),
        ("A" * 41, None),
        ("<b>AB3K9X</b>", None),
    ],
)
def test_normalise_code(typed, code):
    assert learners.normalise_code(typed) == code


def test_join_finds_the_class_however_the_code_is_typed(store):
    room = learners.create_class(store, "Class 5B")
    typed = f" {room.code[:3].lower()}-{room.code[3:].lower()} "
    learner, token = learners.join(store, typed, "  Ada  ")
    assert (learner.class_id, learner.nickname, learner.nickname_key) == (room.id, "Ada", "ada")
    assert learners.class_of(store, learner).code == room.code
    assert [m.nickname for m in learners.members(store, room.id)] == ["Ada"]


@pytest.mark.parametrize(
    "nickname, words",
    [
        ("", "Type a nickname first"),
        ("   \t ", "Type a nickname first"),
        (None, "Type a nickname first"),
        ("x" * 500, "500 characters; keep it to 20"),
        ("<b>x</b>", "letters, digits, spaces and - _ . ' only; this one also has '/' '<' '>'"),
        ("Bob'); DROP--", "also has ')' ';'"),
    ],
)
def test_join_refuses_a_bad_nickname_in_plain_words(store, nickname, words):
    room = learners.create_class(store, "Class 5B")
    with pytest.raises(JoinError, match=re.escape(words)):
        learners.join(store, room.code, nickname)
    assert learners.members(store, room.id) == []


def test_join_refuses_a_wrong_or_closed_class(store):
    room = learners.create_class(store, "Class 5B")
    wrong = next(c * CODE_LENGTH for c in CODE_ALPHABET if c * CODE_LENGTH != room.code)
    for code in (wrong, "nonsense", "", None):
        with pytest.raises(JoinError, match="No class has this code"):
            learners.join(store, code, "Ada")
    learners.close_class(store, room.id)
    with pytest.raises(JoinError, match="closed by its teacher"):
        learners.join(store, room.code, "Ada")
    assert learners.find_class(store, room.code).closed is not None  # still there for the teacher


@pytest.mark.parametrize(
    "first, second", [("Ada", "ada"), ("Ada", " ADA "), ("Straße", "STRASSE"), ("Zoé", "Zoe\u0301")]
)
def test_a_nickname_is_taken_whatever_its_case_or_spelling(store, first, second):
    room, other = learners.create_class(store, "A"), learners.create_class(store, "B")
    learners.join(store, room.code, first)
    with pytest.raises(JoinError, match="already has that nickname"):
        learners.join(store, room.code, second)
    learners.join(store, other.code, second)  # another class may have its own Ada
    assert len(learners.members(store, room.id)) == len(learners.members(store, other.id)) == 1


def test_tokens_are_private_only_their_hash_is_stored(store, store_url):
    room = learners.create_class(store, "Class 5B")
    learner, token = learners.join(store, room.code, "Ada")
    assert re.fullmatch(r"[0-9a-f]{32}", token) and learners.is_token(token)
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert learner.token_hash == digest
    assert learners.by_token(store, token).id == learner.id
    assert learners.by_token(store, digest) is None  # the stored hash is not a key
    for bad in (None, "", token.upper(), token[:-1], token + "0", 12345):
        assert learners.by_token(store, bad) is None
    seen = every_value(store)
    assert digest in seen and token not in seen
    if store.is_sqlite:  # the file itself (and its write-ahead log) never holds the token
        path = Path(store_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        assert digest.encode() in raw and token.encode() not in raw


def test_personal_learner_is_made_once(store):
    token = learners.new_token()
    a, b = learners.personal(store, token), learners.personal(store, token)
    assert a.id == b.id and a.class_id is None and a.nickname is None
    assert learners.class_of(store, a) is None and learners.by_token(store, token).id == a.id


def test_leaderboard_switch(store):
    room = learners.create_class(store, "Class 5B")
    assert room.show_leaderboard
    learners.set_leaderboard(store, room.id, False)
    assert not learners.find_class(store, room.code).show_leaderboard


def test_deleting_a_learner_deletes_their_runs_points_models_and_drawings(kit, store):
    room = kit.room()
    (ada, ada_token), (bob, bob_token) = kit.learner("Ada", room), kit.learner("Bob", room)
    for token in (ada_token, ada_token, bob_token):
        kit.run(token)
    for who in (ada, ada, bob):
        drawings.submit(store, who, np.zeros((28, 28)), 3, [])

    def counts(learner_id):
        with store.session() as s:
            ids = select(Run.id).where(Run.learner_id == learner_id)
            return (
                s.scalar(select(func.count()).select_from(Learner).where(Learner.id == learner_id)),
                s.scalar(select(func.count()).select_from(Run).where(Run.learner_id == learner_id)),
                s.scalar(select(func.count()).select_from(RunPoint).where(RunPoint.run_id.in_(ids))),
                s.scalar(select(func.count()).select_from(RunModel).where(RunModel.run_id.in_(ids))),
                s.scalar(select(func.count()).select_from(Drawing).where(Drawing.learner_id == learner_id)),
            )

    before_bob = counts(bob.id)
    assert counts(ada.id)[:2] == (1, 2) and counts(ada.id)[2] > 0 and counts(ada.id)[3:] == (2, 2)
    learners.delete_learner(store, ada.id)
    assert counts(ada.id) == (0, 0, 0, 0, 0)
    assert counts(bob.id) == before_bob and runs.of_learner(store, bob.token_hash)
    assert learners.by_token(store, ada_token) is None
    learners.delete_learner(store, ada.id)  # twice: nothing to do, no error
