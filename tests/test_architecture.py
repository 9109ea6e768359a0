"""The dependency direction of DESIGN.md, enforced on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "viva"
CORE = ("bank", "grading", "practice", "speech")
FORBIDDEN_IN_CORE = (
    "viva.store",
    "viva.cli",
    "viva.web",
    "viva.service",
    "sqlite3",
    "sqlalchemy",
    "typer",
    "rich",
    "fastapi",
    "viva.config",
)


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("package", CORE)
def test_core_packages_import_no_storage_ui_or_settings(package: str) -> None:
    for path in modules(package):
        bad = {n for n in imports(path) if n.startswith(FORBIDDEN_IN_CORE)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_store_imports_no_ui() -> None:
    for path in modules("store"):
        bad = {n for n in imports(path) if n.startswith(("viva.cli", "viva.web", "viva.service"))}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


# `viva serve` is the one door from the command line into the web app: it only starts it.
LAUNCHERS = {("cli", "serve.py"): {"viva.web.app"}}


def test_cli_and_web_do_not_touch_store_or_each_other() -> None:
    for package, other in (("cli", "viva.web"), ("web", "viva.cli")):
        for path in modules(package):
            names = imports(path)
            allowed = LAUNCHERS.get((package, path.name), set())
            assert not {n for n in names if n.startswith(other)} - allowed, path
            # the CLI renders store's summary rows but never queries: no repository calls
            assert "viva.store.db" not in names, path


def test_config_imports_nothing_of_ours_but_errors() -> None:
    ours = {n for n in imports(SRC / "config.py") if n.startswith("viva")}
    assert ours <= {"viva.errors"}
