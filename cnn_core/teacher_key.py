"""The teacher key: what opens the Teacher page. Never in an address, never on screen.

$CNN_EXPLAINER_TEACHER_KEY when set; otherwise a key generated on first start, stored in the cache
folder with owner-only permissions (0600) and printed in the server's terminal.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from cnn_core.data import cache_root

TEACHER_KEY_ENV = "CNN_EXPLAINER_TEACHER_KEY"
KEY_FILE = "teacher-key"


def key_file() -> Path:
    return cache_root() / KEY_FILE


def teacher_key() -> tuple[str, str]:
    """(key, where it comes from in words). Generates and stores one on first use."""
    env = os.environ.get(TEACHER_KEY_ENV, "").strip()
    if env:
        return env, f"${TEACHER_KEY_ENV}"
    path = key_file()
    if path.is_file():
        key = path.read_text().strip()
        if key:
            return key, str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = "-".join(secrets.token_hex(3) for _ in range(4))  # 96 bits, easy to type: 1a2b3c-...
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    os.chmod(path, 0o600)
    return key, str(path)


def is_teacher_key(given) -> bool:
    """True when `given` is the teacher key (constant-time comparison; no hint about what is wrong)."""
    if not isinstance(given, str) or not given.strip() or len(given) > 200:
        return False
    return hmac.compare_digest(given.strip().encode(), teacher_key()[0].encode())


_announced = False


def announce() -> str:
    """The line the server prints at start, for the teacher's terminal."""
    key, where = teacher_key()
    return f"  Teacher key (open the Teacher page and type it; kept in {where}): {key}"


def announce_once() -> None:
    """Print the teacher key in this process's terminal, once (ui.serve at start; app.py otherwise)."""
    global _announced
    if not _announced:
        _announced = True
        print(announce(), flush=True)
