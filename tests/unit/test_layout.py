"""The rules of the code's layout, checked by reading the files (nothing here is imported).

- Files directly in cnn_core/ never import TensorFlow or Keras, nor cnn_core.nn: the only
  TensorFlow code is the cnn_core/nn/ sub-package.
- cnn_core never imports streamlit, plotly, ui or app_pages; ui never imports app_pages.
- bench/ may use tests/support, tests/ never import bench/.
- No import cycle anywhere in the project, counting imports inside functions too.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cnn_core", "ui", "app_pages", "bench", "tests")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> dict[str, Path]:
    files = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if ".venv" not in p.parts}
    files["app"] = ROOT / "app.py"
    return files


def imported_names(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def project_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports (`from ui import state` counts as ui.state)."""
    out = set()
    for name in imported_names(path):
        if name in modules:
            out.add(name)
    return out


def test_top_of_cnn_core_never_imports_tensorflow():
    offenders = {}
    for p in sorted((ROOT / "cnn_core").glob("*.py")):
        bad = {
            n for n in imported_names(p) if n.split(".")[0] in ("tensorflow", "keras") or n.startswith("cnn_core.nn")
        }
        if bad:
            offenders[p.name] = sorted(bad)
    assert offenders == {}, f"TensorFlow belongs in cnn_core/nn/ only: {offenders}"
    assert (ROOT / "cnn_core" / "nn" / "__init__.py").exists()


def test_layers_point_downwards():
    rules = {
        "cnn_core": ("streamlit", "plotly", "ui", "app_pages", "bench", "tests"),
        "ui": ("app_pages", "bench", "tests"),
        "app_pages": ("bench", "tests"),
        "tests": ("bench",),
    }
    offenders = []
    for mod, p in project_files().items():
        banned = rules.get(mod.split(".")[0], ())
        offenders += [f"{mod} imports {n}" for n in imported_names(p) if n.split(".")[0] in banned]
    assert offenders == []


def test_no_import_cycles():
    modules = project_files()
    graph = {m: project_imports(p, modules) - {m} for m, p in modules.items()}
    for m in list(graph):  # a package's __init__ is imported first: a module depends on its parents
        graph[m] |= {
            parent for parent in (m.rsplit(".", i)[0] for i in range(1, m.count(".") + 1)) if parent in modules
        }
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as e:
        raise AssertionError(f"import cycle: {' -> '.join(e.args[1])}") from None


def test_ui_pages_use_the_same_role_names():
    roles = {"inputs.py", "sections.py", "figures.py", "text.py"}
    for page in ("kernels", "architecture", "train", "evaluate", "draw"):
        names = {p.name for p in (ROOT / "ui" / page).glob("*.py")} - {"__init__.py"}
        assert names, page
        assert names & roles, f"ui/{page}/ uses none of the role names {sorted(roles)}: {sorted(names)}"
