"""The teacher key (cnn_core.teacher_key): from the environment, else generated once, owner-only."""

import os
import re
import stat

import pytest

from cnn_core import teacher_key as tk
from cnn_core.data import CACHE_ENV


@pytest.fixture
def no_env_key(monkeypatch, tmp_path):
    """No key in the environment; the cache folder is a fresh temp folder (not made yet)."""
    monkeypatch.delenv(tk.TEACHER_KEY_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / tk.KEY_FILE


def test_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setenv(tk.TEACHER_KEY_ENV, "  correct horse battery  ")
    assert tk.teacher_key() == ("correct horse battery", f"${tk.TEACHER_KEY_ENV}")
    assert tk.is_teacher_key("correct horse battery") and tk.is_teacher_key(" correct horse battery\n")
    assert not (tmp_path / tk.KEY_FILE).exists()  # nothing written when the environment gives it
    assert tk.TEACHER_KEY_ENV in tk.announce() and "correct horse battery" in tk.announce()


def test_generated_once_into_an_owner_only_file(no_env_key):
    key, where = tk.teacher_key()
    assert re.fullmatch(r"[0-9a-f]{6}(-[0-9a-f]{6}){3}", key)  # 96 bits, typed in four groups
    assert where == str(no_env_key) and no_env_key.read_text().strip() == key
    assert stat.S_IMODE(os.stat(no_env_key).st_mode) == 0o600
    assert tk.teacher_key() == (key, where)  # the same key on the next start
    assert tk.is_teacher_key(key)


def test_a_fresh_folder_gets_a_different_key(no_env_key, monkeypatch, tmp_path):
    first = tk.teacher_key()[0]
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert tk.teacher_key()[0] != first


def test_an_empty_key_file_is_replaced(no_env_key):
    no_env_key.parent.mkdir(parents=True)
    no_env_key.write_text("\n")
    no_env_key.chmod(0o644)
    key = tk.teacher_key()[0]
    assert len(key) == 27 and no_env_key.read_text().strip() == key
    assert stat.S_IMODE(os.stat(no_env_key).st_mode) == 0o600


def test_wrong_empty_or_huge_input_is_refused(no_env_key):
    key = tk.teacher_key()[0]
    wrong = [key[:-1], key + "0", key.replace("-", ""), "", "   ", None, 123, b"x", [key], "x" * 10_000, key * 10]
    for given in wrong + ([key.upper()] if key.upper() != key else []):
        assert not tk.is_teacher_key(given), given
    assert tk.is_teacher_key(key)
