"""Lesson links: a page's settings as a short web-address query, and back again.

    encode("kernels", {"kernel": "sobel-x", "stride": 2}) -> {"kernel": "sobel-x", "stride": "2"}
    decode("kernels", {"stride": "9", "colour": "red"})  -> values (every field), notes, locks

Each page has a schema: fields with a name, a kind, a default and what is allowed (`SCHEMAS`).
`encode` writes only the values that differ from the defaults, so a link names just what the lesson
changed. `decode` never raises: unknown keys are ignored (the address also carries other things, such
as a learner's private `key`, which this module never reads or writes), values out of range are
clamped or replaced by the default with a short note, a network that cannot be read falls back to
the seed network with a note naming the broken part, and an address longer than MAX_ADDRESS is
refused as a whole (every field at its default) with a note. Notes may quote the address: whoever
shows them must escape them (ui.errors.plain).

`lock=kernel,stride` names settings the page shows but fixes (`LOCKABLE` lists them per page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from cnn_core import kernels
from cnn_core import recipe_choices as R
from cnn_core.architecture import LOSSES, OPTIMIZERS, SEED, SEED_RECIPE
from cnn_core.convolution import PADDINGS
from cnn_core.data import N_TEST, N_TRAIN
from cnn_core.digits import STEPS
from cnn_core.link_fields import (  # noqa: F401 - the kinds, for SCHEMAS and for readers of it
    BOOL,
    CHOICE,
    FLOAT,
    GRID,
    GRID_SIZES,
    INT,
    NET,
    NUMBER,
    SUBSET,
    WORD,
    Field,
    from_text,
    quoted,
    same,
    to_text,
)

MAX_ADDRESS = 2000  # characters of query; a longer address is refused politely
LOCK = "lock"
IDENTITY = ("key", "class", "job")  # other code's parameters: never part of a lesson link


def slug(name: str) -> str:
    """A label as address text: 'Laplacian (4-neighbour)' -> 'laplacian-4-neighbour'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


KERNEL_SLUGS = {slug(n): n for n in kernels.NAMES}  # address text -> the library's kernel name
CUSTOM = "custom"


def _validation_choices() -> tuple[float, ...]:
    lo, hi, step = R.VALIDATION
    return tuple(round(lo + i * step, 2) for i in range(round((hi - lo) / step) + 1))


SCHEMAS: dict[str, tuple[Field, ...]] = {
    "data": (Field("image", INT, 7321, 0, N_TRAIN - 1, what="image index"),),
    "kernels": (
        Field("src", CHOICE, "digit", choices=("digit", "photo", "upload", "drawn"), what="picture"),
        Field("image", INT, 0, 0, N_TEST - 1, what="test image number"),
        Field("view", CHOICE, "filter", choices=("filter", "steps", "colour", "pooling")),
        Field("kernel", CHOICE, "identity", choices=(*KERNEL_SLUGS, CUSTOM)),
        Field("size", NUMBER, 5, choices=kernels.GAUSSIAN_SIZES, what="Gaussian size"),
        Field("sigma", FLOAT, 1.0, 0.3, 5.0, digits=1, what="Gaussian sigma"),
        Field("grid", GRID, what="custom kernel"),
        Field("norm", BOOL, False, what="normalise to sum 1"),
        Field("padding", CHOICE, "valid", choices=PADDINGS),
        Field("stride", INT, 1, 1, 4),
        Field("flip", BOOL, False),
        Field("raw", BOOL, True, what="raw output values"),
        Field("row", INT, None, 0, 10_000, what="output row"),
        Field("col", INT, None, 0, 10_000, what="output column"),
    ),
    "architecture": (Field("net", NET, SEED, what="network"),),
    "train": (
        Field("optimizer", CHOICE, SEED_RECIPE.optimizer, choices=OPTIMIZERS),
        Field("lr", NUMBER, SEED_RECIPE.learning_rate, choices=R.LEARNING_RATES, what="learning rate"),
        Field("loss", CHOICE, SEED_RECIPE.loss, choices=LOSSES),
        Field("epochs", INT, SEED_RECIPE.epochs, *R.EPOCHS),
        Field("batch", NUMBER, SEED_RECIPE.batch_size, choices=R.BATCH_SIZES, what="batch size"),
        Field("val", NUMBER, SEED_RECIPE.validation_split, choices=_validation_choices(), what="validation split"),
        Field("size", NUMBER, R.TRAIN_SIZE_DEFAULT, choices=R.TRAIN_SIZES, what="training images"),
        Field("seed", INT, SEED_RECIPE.seed, *R.SEEDS, what="random seed"),
        *(Field(n, NUMBER, getattr(SEED_RECIPE, n), choices=c) for n, c in R.CONSTANT_CHOICES.items()),
    ),
    "evaluate": (Field("image", INT, 7349, 0, N_TEST - 1, what="test image number"),),  # the article's Q39
    "draw": (
        Field("input", CHOICE, "draw", choices=("draw", "upload")),
        Field("stroke", INT, 22, 8, 40, what="stroke width"),
        Field("test", INT, None, 0, N_TEST - 1, what="test image number"),
        Field("off", SUBSET, (), choices=STEPS, what="preprocessing steps switched off"),
        Field("layer", WORD, None),
        Field("map", INT, None, 1, 4096, what="feature map"),
    ),
}
PAGES = tuple(SCHEMAS)
ARCH_LOCKS = (
    "net",
    "blocks",
    "filters",
    "kernel",
    "stride",
    "padding",
    "activation",
    "pool",
    "units",
    "regularise",  # batch norm and dropout
)
LOCKABLE: dict[str, tuple[str, ...]] = {
    "data": ("image",),
    "kernels": ("src", "image", "view", "kernel", "size", "sigma", "grid", "padding", "stride", "flip", "raw"),
    "architecture": ARCH_LOCKS,  # 'kernel' fixes every block's kernel size, 'net' the whole editor
    "train": tuple(f.name for f in SCHEMAS["train"]),
    "evaluate": ("image",),
    "draw": ("input", "stroke"),
}


@dataclass
class Decoded:
    """What an address says for one page: every field's value, notes for a learner, the locks."""

    values: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    locks: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()  # the fields (and 'lock') the address gave, usable or not


def field_of(page: str, name: str) -> Field:
    return next(f for f in SCHEMAS[page] if f.name == name)


def defaults(page: str) -> dict[str, Any]:
    return {f.name: f.default for f in SCHEMAS[page]}


def encode(page: str, values: Mapping[str, Any], locks: Iterable[str] = ()) -> dict[str, str]:
    """The address parameters of `values` (only those that differ from the defaults), then `lock`."""
    out = {}
    for f in SCHEMAS[page]:
        v = values.get(f.name, f.default)
        if v is not None and not same(f, v, f.default):
            out[f.name] = to_text(f, v)
    locked = [n for n in LOCKABLE[page] if n in set(locks)]
    if locked:
        out[LOCK] = ",".join(locked)
    return out


def _last(v) -> str:
    if isinstance(v, list | tuple):
        return str(v[-1]) if v else ""
    return str(v)


def decode(page: str, params: Mapping[str, Any]) -> Decoded:
    """Every field's value for `page` from address `params` ({name: text or [texts]}), with notes.

    Never raises. Absent fields take their defaults; see the module docstring for the rest.
    """
    try:
        texts = {str(k): _last(v) for k, v in dict(params).items()}
    except Exception:  # noqa: BLE001 - whatever came in, the page opens with its defaults
        texts = {}
    values = defaults(page)
    size = sum(len(k) + len(v) + 2 for k, v in texts.items())
    if size > MAX_ADDRESS:
        note = f"This address is too long to read ({size:,} characters; at most {MAX_ADDRESS:,}), so the page opened with its usual settings."
        return Decoded(values, [note])
    notes: list[str] = []
    names = {f.name for f in SCHEMAS[page]}
    for f in SCHEMAS[page]:
        if f.name in texts:
            values[f.name] = from_text(f, texts[f.name], notes)
    locks: set[str] = set()
    if LOCK in texts:
        asked = [n for n in texts[LOCK].lower().split(",") if n.strip()]
        locks = {n.strip() for n in asked if n.strip() in LOCKABLE[page]}
        unknown = [n for n in asked if n.strip() not in LOCKABLE[page]]
        if unknown:
            notes.append(f"{quoted(','.join(unknown))} cannot be fixed on this page and is ignored.")
    return Decoded(values, notes, frozenset(locks), frozenset((names | {LOCK}) & set(texts)))


def query(params: Mapping[str, str]) -> str:
    """`params` as a query string that stays readable (',' and '/' are left as they are)."""
    return urlencode(params, safe=",/", quote_via=quote)


def link(page: str, values: Mapping[str, Any], locks: Iterable[str] = ()) -> str:
    """The lesson link's path and query for `page`, e.g. 'kernels?kernel=sobel-x&stride=2'."""
    q = query(encode(page, values, locks))
    return f"{page}?{q}" if q else page


def parse_link(text) -> tuple[str, Decoded]:
    """A pasted lesson link (a whole address, or 'kernels?stride=2') -> (page, what it says).

    Identity parameters (`key`, `class`, `job`) and unknown ones are dropped; raises ValueError with
    a sentence when the text is not a link to one of the pages in SCHEMAS.
    """
    text = str(text or "").strip()
    if not text or len(text) > MAX_ADDRESS + 200:
        raise ValueError(
            f"Paste a link to one of the pages ({', '.join(PAGES)}) of at most {MAX_ADDRESS:,} characters."
        )
    parts = urlsplit(text if "://" in text else "http://app/" + text.lstrip("/"))
    page = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    if page not in SCHEMAS:
        raise ValueError(f"This link does not open a page with settings; it should end in one of: {', '.join(PAGES)}.")
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    return page, decode(page, {k: v for k, v in params.items() if k not in IDENTITY})
