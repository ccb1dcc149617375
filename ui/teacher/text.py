"""The Teacher page's sentences, built from the numbers they state."""

from __future__ import annotations

from cnn_core import jobs
from cnn_core.teacher_key import TEACHER_KEY_ENV

WRONG_KEY = "That is not the teacher key of this server."
REFRESH_NOTE = "These tables refresh by themselves every {s:g} seconds."


def key_where(where: str) -> str:
    """Where the teacher finds the key, without the key (Markdown; `where` is a path or the variable)."""
    if where.startswith("$"):
        return (
            f"The key is the value of `{TEACHER_KEY_ENV}` set where the server was started; "
            "it is also printed in that server's terminal."
        )
    return (
        "The key is printed in the terminal where the server was started, and kept in the server's file "
        f"`{where.replace('`', '')}` (readable by its owner only). Set `{TEACHER_KEY_ENV}` to choose your own."
    )


def cancel_note(state: str | None) -> tuple[str, str]:
    """(kind, sentence) after the teacher pressed Cancel; kind is 'success', 'info' or 'warning'."""
    if state is None:
        return "warning", "That run is no longer kept (its learner was deleted or it was among their oldest runs)."
    if state == jobs.CANCELLED:
        return "success", "Cancelled before it started."
    if state in jobs.TERMINAL:
        return "info", f"Nothing to cancel: it had already finished ({state})."
    return "success", f"Asked to stop: the run was {state} and stops at its next batch, keeping the weights so far."


def handwriting_sentence(model: str, correct: int, n: int, accuracy: float) -> str:
    """The class's measured answer to its own question (Markdown)."""
    return (
        f"**How well does a network trained on MNIST read our handwriting?** '{model}' read {correct} of our "
        f"{n} drawings right: **{accuracy:.1%}**."
    )


def grid_caption(nickname_md: str, label: int, said: int | None) -> str:
    """A drawing's caption: who drew it, the digit they meant, what their model answered (Markdown)."""
    read = "not read" if said is None else f"read {said}"
    return f"{nickname_md}: meant {label}, {read}"
