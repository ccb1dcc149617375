"""One setting of a lesson link: its kind, default and allowed values (`Field`), and its address text
both ways: `to_text(field, value)` and `from_text(field, text, notes)`, which never raises: a text it
cannot use gives the default, a number out of range the nearest allowed one, each with a note."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from cnn_core import arch_string, kernels

INT, FLOAT, CHOICE, NUMBER, BOOL, NET, GRID, SUBSET, WORD = (
    "int", "float", "choice", "number", "bool", "net", "grid", "subset", "word"
)  # fmt: skip
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_WORD = re.compile(r"[a-z][a-z0-9_]{0,39}")

GRID_SIZES = (2, 3, 4, 5)  # a custom kernel is a square of one of these sides


@dataclass(frozen=True)
class Field:
    """One setting of a page: `name` in the address, its kind, default and allowed values.

    INT and FLOAT: `lo`..`hi` (FLOAT rounded to `digits` decimals); CHOICE and SUBSET: words in
    `choices`; NUMBER: numbers in `choices` (the nearest is used); BOOL: 1/0; NET: an
    Architecture (cnn_core.arch_string); GRID: a square kernel of GRID_SIZES; WORD: a short name.
    """

    name: str
    kind: str
    default: Any = None
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    digits: int = 6
    what: str = ""  # the setting in words, for notes

    @property
    def words(self) -> str:
        return self.what or self.name


def quoted(text: str) -> str:
    text = str(text)
    return "'" + (text if len(text) <= 24 else text[:21] + "...") + "'"


def number_text(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def to_text(f: Field, v: Any) -> str:
    if f.kind == BOOL:
        return "1" if v else "0"
    if f.kind == NET:
        return arch_string.to_string(v)
    if f.kind == GRID:
        return "/".join(",".join(number_text(float(x)) for x in row) for row in v)
    if f.kind == SUBSET:
        return ",".join(c for c in f.choices if c in v)
    if f.kind == FLOAT:
        return number_text(round(float(v), f.digits))
    return number_text(v)


def same(f: Field, a: Any, b: Any) -> bool:
    if f.kind == NET:
        return arch_string.canonical(a) == arch_string.canonical(b)
    if f.kind == SUBSET:
        return set(a) == set(b)
    if f.kind in (FLOAT, NUMBER) and a is not None and b is not None:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _parse_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else None


def _parse_float(text: str) -> float | None:
    if len(text) > 32:
        return None
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _clamped(f: Field, x: float, notes: list[str]) -> float:
    if f.lo <= x <= f.hi:
        return x
    near = min(max(x, f.lo), f.hi)
    notes.append(
        f"The {f.words} {number_text(x)} is outside {number_text(f.lo)}-{number_text(f.hi)}, so {number_text(near)} is used."
    )
    return near


def _nearest(f: Field, x: float, notes: list[str]):
    for c in f.choices:
        if math.isclose(x, c, rel_tol=1e-9, abs_tol=1e-12):
            return c
    positive = x > 0 and all(c > 0 for c in f.choices)  # rates and sizes: nearest on a log scale
    near = min(f.choices, key=lambda c: abs(math.log(c / x)) if positive else abs(c - x))
    notes.append(
        f"The {f.words} {number_text(x)} is not one of the choices, so the nearest, {number_text(near)}, is used."
    )
    return near


def _grid(f: Field, text: str, notes: list[str]):
    rows = [r.split(",") for r in text.split("/")] if len(text) <= 400 else []
    if len(rows) not in GRID_SIZES:
        notes.append(
            f"The custom kernel must be a square of side {', '.join(map(str, GRID_SIZES))}; the usual one is used."
        )
        return f.default
    try:
        w = kernels.parse_kernel([[c.strip() for c in r] for r in rows])
    except kernels.BadKernel as e:
        notes.append(f"The custom kernel in the address cannot be used: {e} The usual one is used.")
        return f.default
    return tuple(tuple(float(x) for x in row) for row in w)


def from_text(f: Field, text: str, notes: list[str]) -> Any:
    """The value of field `f` from its address text, or its default (with a note) when unusable."""
    text = text.strip()
    if f.kind in (INT, FLOAT, NUMBER):
        x = _parse_int(text) if f.kind == INT else _parse_float(text)
        if x is None:
            kind = "a whole number" if f.kind == INT else "a number"
            notes.append(f"The {f.words} {quoted(text)} is not {kind}, so the usual value is used.")
            return f.default
        if f.kind == NUMBER:
            return _nearest(f, x, notes)
        x = _clamped(f, x, notes)
        return int(x) if f.kind == INT else round(float(x), f.digits)
    low = text.lower()
    if f.kind == BOOL:
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        notes.append(f"The {f.words} {quoted(text)} is neither 1 nor 0, so the usual value is used.")
        return f.default
    if f.kind == CHOICE:
        if low in f.choices:
            return low
        notes.append(f"The {f.words} {quoted(text)} is not one of: {', '.join(f.choices)}; the usual one is used.")
        return f.default
    if f.kind == SUBSET:
        names = [n for n in low.split(",") if n]
        unknown = [n for n in names if n not in f.choices]
        if unknown:
            notes.append(f"{quoted(','.join(unknown))} is not among {', '.join(f.choices)} and is ignored.")
        return tuple(c for c in f.choices if c in names)
    if f.kind == WORD:
        if _WORD.fullmatch(low):
            return low
        notes.append(f"The {f.words} {quoted(text)} is not a layer name, so it is ignored.")
        return f.default
    if f.kind == GRID:
        return _grid(f, text, notes)
    try:  # NET
        arch, more = arch_string.parse(text)
    except arch_string.BadArchString as e:
        notes.append(f"The network in the address cannot be read ({e}), so the seed network is shown.")
        return f.default
    notes.extend(f"In the network, {m}" for m in more)
    return arch
