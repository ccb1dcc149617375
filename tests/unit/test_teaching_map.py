"""docs/TEACHING.md stays true: its table maps Q1..Q42 to pages of the app and to texts a learner sees.

Read, never imported: the pages' files are parsed with `ast`, so the test needs no Streamlit run.

- The table has exactly one row per question, Q1..Q42, each with a known grade.
- Every page it names is a page of app.py's navigation (by its title).
- Every text in double quotes in the Element, Live element and Also columns occurs in one string literal of
  that page's code: app_pages/<page>.py, its folder ui/<page>/, and every ui module the page imports
  (directly or through other ui modules). In the map, `…` stands for a computed part (an f-string
  field), and Markdown's `*` and backticks are ignored. A renamed heading or label fails here.
- Every question not graded "answered live" is listed under "## Gaps" with a proposal.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "docs" / "TEACHING.md"
GRADES = {"answered live", "static only", "missing"}
COLUMNS = ("q", "question", "page", "element", "live", "also", "grade")
CHECKED = ("element", "live")  # columns whose quoted texts must be in the row's page; "also" names its own pages
FIELD = "…"  # a computed part of a text (an f-string's field)
QUOTED = re.compile(r'"([^"]+)"')
ALSO_ENTRY = re.compile(r'([A-Z][a-z]+) ((?:"[^"]+"(?:, | and | then | → )?)+)')


def normalise(text: str) -> str:
    """What a learner reads: Markdown emphasis and code marks dropped, runs of white space as one space."""
    return re.sub(r"\s+", " ", text.replace("*", "").replace("`", "")).strip()


def table_rows() -> list[dict[str, str]]:
    """The rows of the map's table whose first cell is a question number, as {column: text}."""
    rows = []
    for line in MAP.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\|\s*Q\d+\s*\|", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == len(COLUMNS), f"{len(cells)} cells instead of {len(COLUMNS)}: {line}"
            rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def nav_pages() -> dict[str, Path]:
    """{page title: its file} for every st.Page(...) in app.py."""
    pages = {}
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            title = next(k.value.value for k in node.keywords if k.arg == "title")
            pages[title] = ROOT / node.args[0].value
    return pages


def module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


def ui_imports(path: Path) -> set[Path]:
    """The files of the ui modules `path` imports anywhere (also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        for n in names:
            f = module_file(n) if n.split(".")[0] == "ui" else None
            if f is not None:
                found.add(f)
    return found


@cache
def page_files(title: str) -> frozenset[Path]:
    """The page's file, its ui/<page>/ folder, and the closure of the ui modules they import."""
    page = nav_pages()[title]
    todo = {page, *(ROOT / "ui" / page.stem).glob("*.py")}
    seen: set[Path] = set()
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo |= ui_imports(f) - seen
    return frozenset(seen)


def literal(node: ast.AST) -> str | None:
    """A string constant as it is, an f-string with each field as FIELD; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else FIELD for v in node.values)
    return None


@cache
def page_strings(title: str) -> tuple[str, ...]:
    out = []
    for f in sorted(page_files(title)):
        for node in ast.walk(ast.parse(f.read_text(), filename=str(f))):
            text = literal(node)
            if text is not None:
                out.append(normalise(text))
    return tuple(out)


def occurs(text: str, title: str) -> bool:
    """True when `text` (FIELD matching any computed part) is inside one string literal of the page's code."""
    parts = [re.escape(p) for p in normalise(text).split(FIELD)]
    assert len("".join(p for p in normalise(text).split(FIELD)).strip()) >= 4, f"too little fixed text: {text!r}"
    pattern = re.compile(".*?".join(parts), re.S)
    return any(pattern.search(s) for s in page_strings(title))


def test_the_map_has_one_row_per_question():
    numbers = [int(r["q"][1:]) for r in table_rows()]
    assert numbers == list(range(1, 43))


def test_every_grade_is_known():
    bad = {r["q"]: r["grade"] for r in table_rows() if r["grade"] not in GRADES}
    assert not bad


def test_every_page_is_in_the_navigation():
    titles = set(nav_pages())
    pages = {r["page"] for r in table_rows()}
    for r in table_rows():
        for m in ALSO_ENTRY.finditer(r["also"]):
            pages.add(m.group(1))
    assert pages - titles == set(), f"not pages of app.py: {pages - titles}"


def test_every_row_names_an_element_and_a_live_element():
    for r in table_rows():
        assert QUOTED.search(r["element"]), f"{r['q']}: no quoted heading or label in the Element column"
        if r["grade"] == "answered live":
            assert QUOTED.search(r["live"]), f"{r['q']}: graded live but no quoted widget or chart in Live element"


@pytest.mark.parametrize("row", table_rows(), ids=lambda r: r["q"])
def test_quoted_texts_occur_in_the_page_code(row):
    pages = {row["page"], *(m.group(1) for m in ALSO_ENTRY.finditer(row["also"]))}
    assert pages <= set(nav_pages()), f"{row['q']}: not pages of app.py: {pages - set(nav_pages())}"
    missing = [t for col in CHECKED for t in QUOTED.findall(row[col]) if not occurs(t, row["page"])]
    for m in ALSO_ENTRY.finditer(row["also"]):
        missing += [f"{m.group(1)}: {t}" for t in QUOTED.findall(m.group(2)) if not occurs(t, m.group(1))]
    assert not missing, f"{row['q']} on {row['page']}: not found in the page's code: {missing}"


def test_also_column_has_no_quote_without_a_page():
    for r in table_rows():
        claimed = sum(len(QUOTED.findall(m.group(2))) for m in ALSO_ENTRY.finditer(r["also"]))
        assert claimed == len(QUOTED.findall(r["also"])), f"{r['q']}: a quoted text in Also lacks its page name"


def test_every_gap_is_listed_with_a_proposal():
    text = MAP.read_text(encoding="utf-8")
    gaps = text.split("## Gaps", 1)[1].split("\n## ", 1)[0] if "## Gaps" in text else ""
    listed = set(re.findall(r"^- \*\*(Q\d+)\b", gaps, re.M))
    not_live = {r["q"] for r in table_rows() if r["grade"] != "answered live"}
    assert not_live == listed, f"not live but not in Gaps: {not_live - listed}; in Gaps but live: {listed - not_live}"


def test_the_check_can_fail():
    """The matcher finds a real heading and refuses a made-up one, a reworded one and one from another page."""
    assert occurs("Q38: yes, every test image got a prediction", "Evaluate")
    assert occurs("Q20. Why does … shrink to …?", "Architecture")
    assert not occurs("Q20. Why does … grow to …?", "Architecture")
    assert not occurs("A heading nobody ever wrote", "Home")
    assert not occurs("Q20. Why does … shrink to …?", "Home")
