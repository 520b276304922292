"""The layers point one way: store, domain, i18n and errors never reach for Textual.

Two proofs: import every module of those layers in a fresh interpreter and look at what got
loaded; and read every file's import statements (including ones inside functions) with `ast`.
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


def module_name(path: Path, package_dir: Path = PACKAGE) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_files() -> list[Path]:
    files = [f for folder in LAYERS.values() for f in sorted(folder.rglob("*.py"))]
    return files + list(SINGLE_MODULES.values())


def imported_names(path: Path, package_dir: Path = PACKAGE) -> set[str]:
    """Every module `path` imports, anywhere in the file, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, package_dir).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
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


def test_layers_hold_modules() -> None:
    names = {module_name(f) for f in layer_files()}
    assert {"board.store.models", "board.store.schema", "board.domain.status"} <= names
    assert "board.errors" in names


@pytest.mark.parametrize("path", layer_files(), ids=lambda p: module_name(p))
def test_no_forbidden_import_in_source(path: Path) -> None:
    forbidden = FORBIDDEN_IN_DOMAIN if module_name(path).startswith("board.domain") else FORBIDDEN
    assert offending(imported_names(path), forbidden) == set()


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


def test_importing_every_layer_module_loads_no_textual() -> None:
    modules = sorted(module_name(f) for f in layer_files())
    code = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        loaded = sorted(sys.modules)
        bad = [n for n in loaded for f in {FORBIDDEN!r} if n == f or n.startswith(f + ".")]
        assert not bad, bad
        print(len(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > len(modules)


def test_importing_the_domain_loads_no_database() -> None:
    modules = sorted(module_name(f) for f in LAYERS["board.domain"].rglob("*.py"))
    code = textwrap.dedent(
        f"""
        import importlib, sys
        for name in {modules!r}:
            importlib.import_module(name)
        forbidden = {FORBIDDEN_IN_DOMAIN!r}
        bad = [n for n in sys.modules for f in forbidden if n == f or n.startswith(f + ".")]
        assert not bad, bad
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
