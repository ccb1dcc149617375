"""Each page's settings live in its web address (cnn_core.lesson_links), so a reload shows the same
view and a teacher can send a link to it.

    address.open_page("kernels", lesson.apply_address)   # first, before the page's widgets
    ... widgets, each with disabled=address.locked("kernels", "stride") ...
    address.sync("kernels", lesson.address_values())      # after them: the address follows the widgets

When the address is read: on the page's first run in a session (a reload, an opened link), after the
browser's back or forward button (`is_history_navigation`), and when a lesson was opened from the
teacher's banner (`open_lesson`); only when the address names one of the page's settings, so a page
switch (which empties the address) never resets a learner's settings. The page's `apply` writes the
values into its widgets' session state before they are drawn.

The address keeps the parameters other code owns (`key`, `job`): `sync` rewrites only this page's
names and `lock`, and only when something changed (each change is one step of the browser's history).
The "Copy link to this view" box never includes them: a copied link gives the view, not the person.
Nothing read from the address is shown unescaped (ui.errors.plain).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from cnn_core import lesson_links as L
from ui.errors import plain
from ui.keep import keep as keep_value

SEEN = "address-seen"  # session_state: pages whose address this session has read
FORCE = "address-force"  # session_state: pages to read again on their next run (a lesson just opened)
LOCKS = "address-locks"  # session_state: {page: frozenset of locked setting names}
LOCKED_NOTE = "Some settings are fixed by the lesson"


def _history_navigation() -> bool:
    """True when this run comes from the browser's back or forward button."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def open_page(page: str, apply: Callable[[dict[str, Any]], list[str] | None]) -> None:
    """Read the address into the page's widgets when it is due (see the module docstring), show
    what could not be used, and the lock note with its Unlock button."""
    ss = st.session_state
    seen, forced = ss.setdefault(SEEN, set()), ss.setdefault(FORCE, set())
    lesson = L.decode(page, _params())
    due = page in forced or ((lesson.named or lesson.notes) and (page not in seen or _history_navigation()))
    seen.add(page)
    if due:
        forced.discard(page)
        notes = lesson.notes + list(apply(lesson.values) or [])
        ss.setdefault(LOCKS, {})[page] = lesson.locks
        for note in notes:
            st.warning(plain(note), icon=":material/link_off:")
    if locks(page):
        _lock_note(page)


def set_widget(key: str, value: Any) -> None:
    """Give widget `key` this value for its next drawing, and keep it (ui.keep) for widgets that start
    from their kept value. A widget not drawn yet in this session gets only the kept value: setting
    its key as well would make Streamlit log a warning about two starting values."""
    if key in st.session_state:
        st.session_state[key] = value
    keep_value(key, value)


def locks(page: str) -> frozenset[str]:
    return st.session_state.get(LOCKS, {}).get(page, frozenset())


def locked(page: str, name: str) -> bool:
    """Whether the lesson fixed setting `name` on `page` (its widget is then drawn disabled)."""
    return name in locks(page)


def _unlock(page: str) -> None:
    st.session_state.setdefault(LOCKS, {})[page] = frozenset()


def _lock_note(page: str) -> None:
    names = ", ".join(n for n in L.LOCKABLE[page] if n in locks(page))
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(
        plain(f"{LOCKED_NOTE} ({names}), so you can focus on the rest. This is for focus, not a rule."),
        icon=":material/lock:",
    )
    right.button("Unlock", icon=":material/lock_open:", key=f"address_unlock_{page}", on_click=_unlock, args=(page,))


def write(page: str, values: Mapping[str, Any]) -> None:
    """Put the page's non-default values (and its locks) into the address, keeping every other parameter."""
    own = {f.name for f in L.SCHEMAS[page]} | {L.LOCK}
    current = _params()
    wanted = {k: v for k, v in current.items() if k not in own}
    wanted |= {k: [v] for k, v in L.encode(page, values, locks(page)).items()}
    if wanted != current:
        st.query_params.from_dict(wanted)


def page_link(page: str, values: Mapping[str, Any], fixed=()) -> str:
    """The whole address of this view for someone else: the app, the page, its settings; no identity."""
    from ui.teacher.sections import app_address  # the app's address as the browser sees it

    return f"{app_address()}/{L.link(page, values, fixed)}"


def link_box(page: str, values: Mapping[str, Any]) -> None:
    """'Copy link to this view': the link in a code box (it has a copy button), and settings to fix in it."""
    with st.popover("Copy link to this view", icon=":material/link:"):
        fixed = st.multiselect(
            "Fix these settings for whoever opens the link (optional)",
            L.LOCKABLE[page],
            default=sorted(locks(page), key=L.LOCKABLE[page].index),
            key=f"address_fix_{page}_{'_'.join(sorted(locks(page)))}",  # starts again when the locks change
        )
        st.code(page_link(page, values, fixed), language=None, wrap_lines=True)
        st.caption(
            "Whoever opens this link sees this page with these settings. It carries no name and no private "
            "key: it opens the view, not your work."
        )


def sync(page: str, values: Mapping[str, Any], box=None) -> None:
    """After the page's widgets: write the address, then draw the link box (into `box` if given)."""
    write(page, values)
    if box is None:
        link_box(page, values)
    else:
        with box:
            link_box(page, values)


def open_lesson(link: str, extra: Mapping[str, str] | None = None) -> None:
    """Go to a lesson link ('kernels?stride=2') in this tab: the page reads it on arrival, even if
    this session has seen that page before. `extra` parameters (the learner's own key) are kept."""
    page, lesson = L.parse_link(link)
    st.session_state.setdefault(FORCE, set()).add(page)
    params = L.encode(page, lesson.values, lesson.locks) | dict(extra or {})
    st.switch_page(f"app_pages/{page}.py", query_params=params)
