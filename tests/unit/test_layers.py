"""The house's rules, from the code's own imports (docs/architecture.md draws the same plan).

Layers point one way: domain and view are pure (no Textual, Rich or SQLAlchemy), the store
speaks SQLite through SQLAlchemy and never touches openpyxl or the UI, exchange is the only home
of openpyxl, the UI never reaches into the CLI, and no module imports itself in a circle.

Two kinds of proof: read every file's import statements with `ast` (including imports inside
functions, which import-linter cannot see; imports under `if TYPE_CHECKING:` are for the type
checker only and do not count for cycles), and import each layer in a fresh interpreter and
look at what got loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import board

PACKAGE = Path(board.__file__).resolve().parent
LAYERS = {
    "board.store": PACKAGE / "store",
    "board.domain": PACKAGE / "domain",
    "board.i18n": PACKAGE / "i18n",
}
SINGLE_MODULES = {"board.errors": PACKAGE / "errors.py"}

# What no module of these layers may import, at run time or anywhere in its source.
FORBIDDEN = ("textual", "rich", "board.ui", "board.watch", "watchdog")
# The domain is pure: no database, no files, no store.
FORBIDDEN_IN_DOMAIN = (*FORBIDDEN, "sqlalchemy", "sqlite3", "board.store", "board.cli")

# Layer -> what no module of it may import (anywhere in its source). Prefixes match submodules.
RULES: dict[str, tuple[str, ...]] = {
    "board.domain": (
        "textual", "rich", "sqlalchemy", "sqlite3", "openpyxl", "watchdog",
        "board.store", "board.exchange", "board.view", "board.ui", "board.cli", "board.bench",
        "board.watch", "board.config",
    ),
    "board.view": (
        "textual", "rich", "sqlalchemy", "sqlite3", "openpyxl", "watchdog",
        "board.store", "board.exchange", "board.ui", "board.cli", "board.bench", "board.watch",
    ),
    "board.store": (
        "textual", "rich", "openpyxl", "xlrd", "python_calamine", "odf", "watchdog",
        "board.exchange", "board.view", "board.ui", "board.cli", "board.bench", "board.watch",
    ),
    "board.exchange": (
        "textual", "watchdog", "board.ui", "board.cli", "board.bench", "board.watch",
    ),
    "board.ui": ("board.cli", "board.bench", "openpyxl"),
    "board.config": ("textual", "rich", "sqlalchemy", "board.store", "board.ui", "board.cli"),
    "board.i18n": ("textual", "rich", "sqlalchemy", "board.store", "board.ui", "board.cli"),
    "board.errors": ("board.store", "board.ui", "board.cli", "textual", "sqlalchemy"),
    "board.watch": ("textual", "rich", "sqlalchemy", "board.store", "board.ui", "board.cli"),
    # The browser server runs boards as processes: it imports none of their layers.
    "board.serve": (
        "textual", "rich", "sqlalchemy", "sqlite3", "openpyxl", "watchdog",
        "board.store", "board.exchange", "board.view", "board.domain", "board.ui", "board.cli",
        "board.bench", "board.watch",
    ),
}  # fmt: skip
MAX_LINES = 500
CATALOGS = {"board.i18n.zh_cn", "board.i18n.en"}  # message catalogs: one message per line


def module_name(path: Path, package_dir: Path = PACKAGE) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def every_module() -> dict[str, Path]:
    return {module_name(f): f for f in sorted(PACKAGE.rglob("*.py"))}


def layer_files() -> list[Path]:
    files = [f for folder in LAYERS.values() for f in sorted(folder.rglob("*.py"))]
    return files + list(SINGLE_MODULES.values())


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skip.update(id(sub) for sub in ast.walk(child))
    return skip


def imported_names(
    path: Path, package_dir: Path = PACKAGE, *, with_type_checking: bool = True
) -> set[str]:
    """Every module `path` imports, anywhere in the file, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = set() if with_type_checking else type_checking_nodes(tree)
    package = module_name(path, package_dir).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            names.add(prefix)
            # `from board import ui` imports the module board.ui.
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def offending(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {n for n in names for f in forbidden if n == f or n.startswith(f + ".")}


def import_graph() -> dict[str, set[str]]:
    """board's modules and the board modules each imports (TYPE_CHECKING imports aside)."""
    modules = every_module()
    return {
        name: {n for n in imported_names(path, with_type_checking=False) if n in modules} - {name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), and self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(name: str) -> str | None:
    for layer in sorted(RULES, key=len, reverse=True):
        if name == layer or name.startswith(layer + "."):
            return layer
    return None


def test_layers_hold_modules() -> None:
    names = {module_name(f) for f in layer_files()}
    assert {"board.store.models", "board.store.schema", "board.domain.status"} <= names
    assert "board.errors" in names


def test_every_room_of_the_plan_exists() -> None:
    names = set(every_module())
    assert {
        "board.config",
        "board.domain.codes",
        "board.domain.minutes",
        "board.view.board",
        "board.view.selections",
        "board.view.slideshow",
        "board.view.words",
        "board.exchange",
        "board.ui.app",
        "board.ui.messages",
        "board.ui.themes",
        "board.ui.textual_private",
        "board.ui.panels",
        "board.cli",
        "board.cli.writes",
        "board.cli.files",
        "board.cli.bench",
        "board.cli.serve",
        "board.serve.server",
        "board.serve.access",
        "board.serve.process",
        "board.bench.run",
        "board.bench.probe",
        "board.watch",
    } <= names


@pytest.mark.parametrize("path", layer_files(), ids=lambda p: module_name(p))
def test_no_forbidden_import_in_source(path: Path) -> None:
    forbidden = FORBIDDEN_IN_DOMAIN if module_name(path).startswith("board.domain") else FORBIDDEN
    assert offending(imported_names(path), forbidden) == set()


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: module_name(p)
)
def test_each_module_keeps_its_layer_rules(path: Path) -> None:
    layer = layer_of(module_name(path))
    if layer is None:
        pytest.skip("cli and bench stand on top: they may import any layer")
    assert offending(imported_names(path), RULES[layer]) == set()


def test_no_import_cycle_anywhere() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_type_checking_imports_do_not_count_for_cycles(tmp_path: Path) -> None:
    ui = tmp_path / "board" / "ui"
    ui.mkdir(parents=True)
    sample = ui / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING
            from board.view import words
            if TYPE_CHECKING:
                from board.ui.app import BoardApp
            def later():
                from board.store import source
            """
        )
    )
    names = imported_names(sample, tmp_path / "board", with_type_checking=False)
    assert "board.ui.app" not in names
    assert {"board.view.words", "board.store.source"} <= names


@pytest.mark.parametrize("name", sorted(every_module()), ids=str)
def test_no_module_over_500_lines(name: str) -> None:
    if name in CATALOGS:
        pytest.skip("message catalog")
    path = every_module()[name]
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)}: {lines} lines"


def test_no_module_cites_a_design_document_outside_the_repo() -> None:
    citing = [
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert citing == []
    assert (PACKAGE.parent / "docs" / "architecture.md").is_file()


def test_static_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    store = tmp_path / "board" / "store"
    store.mkdir(parents=True)
    sample = store / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """
            import textual
            from rich.text import Text

            def later():
                from textual.app import App
                from ..ui import app
                from .. import watch
                return App
            """
        )
    )
    names = imported_names(sample, tmp_path / "board")
    assert offending(names, FORBIDDEN) == {
        "textual",
        "textual.app",
        "textual.app.App",
        "rich.text",
        "rich.text.Text",
        "board.ui",
        "board.ui.app",
        "board.watch",
    }


def run_and_list_loaded(modules: list[str], forbidden: tuple[str, ...]) -> None:
    code = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        loaded = sorted(sys.modules)
        bad = [n for n in loaded for f in {forbidden!r} if n == f or n.startswith(f + ".")]
        assert not bad, bad
        print(len(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > len(modules)


def test_importing_every_layer_module_loads_no_textual() -> None:
    modules = sorted(module_name(f) for f in layer_files())
    run_and_list_loaded(modules, FORBIDDEN)


def test_importing_the_domain_loads_no_database() -> None:
    modules = sorted(module_name(f) for f in LAYERS["board.domain"].rglob("*.py"))
    run_and_list_loaded(modules, FORBIDDEN_IN_DOMAIN)


def test_importing_the_view_loads_no_textual_rich_or_database() -> None:
    modules = sorted(module_name(f) for f in (PACKAGE / "view").rglob("*.py"))
    run_and_list_loaded(modules, ("textual", "rich", "sqlalchemy", "sqlite3", "openpyxl"))


def test_importing_the_store_loads_no_openpyxl() -> None:
    modules = sorted(module_name(f) for f in (PACKAGE / "store").rglob("*.py"))
    run_and_list_loaded(modules, ("openpyxl", "textual", "rich"))
