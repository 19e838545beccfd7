"""The package layout (docs of issue 12, LAYOUT12.md) as import rules, checked on the source.

An AST walk of every import statement (also inside functions and ``TYPE_CHECKING`` blocks), so
a rule breaks here, in a second, rather than in review:

- ``payments/`` is the domain: the standard library (no ``sqlite3``), pydantic and
  ``temporalio.common``/``temporalio.exceptions`` only - no I/O library, no Temporal client,
  worker or converter, no plumbing package.
- ``api/`` and ``cli/`` import nothing from ``stack/``; ``api/`` nothing from ``cli/``.
- The edges ``api``, ``cli``, ``bench`` and ``chaos`` never import each other.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DOMAIN_MAY_IMPORT = ("payments", "pydantic", "temporalio.common", "temporalio.exceptions")
DOMAIN_STDLIB_BANNED = ("sqlite3",)
EDGES = ("api", "cli", "bench", "chaos")
NEVER_IMPORT: dict[str, tuple[str, ...]] = {
    "api": ("cli", "stack", "bench", "chaos"),
    "cli": ("api", "stack", "bench", "chaos"),
    "bench": ("api", "cli", "chaos"),
    "chaos": ("api", "cli", "bench"),
}

# Files of payments/ that helper G moves into processors/ in the same issue (12). Remove an entry
# when its file is gone; a stale entry fails test_pending_exemptions_still_exist.
PENDING_MOVE: dict[str, str] = {}


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    if node.level == 0:
        return node.module or ""
    package = path.relative_to(ROOT).parent.parts
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_in(source: str, path: Path) -> set[str]:
    """Every module (and ``module.name`` of a from-import) that ``source`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, path)
            # ``from temporalio import client`` imports temporalio.client.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, packages: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def domain_violations(names: Iterable[str]) -> list[str]:
    """Imports the domain core may not make."""
    bad = []
    for name in names:
        top = name.split(".")[0]
        stdlib = top in sys.stdlib_module_names and top not in DOMAIN_STDLIB_BANNED
        if not stdlib and not _within(name, DOMAIN_MAY_IMPORT):
            bad.append(name)
    return sorted(bad)


def edge_violations(package: str, names: Iterable[str]) -> list[str]:
    """Imports of ``package`` (an edge) from packages it must not import."""
    banned = NEVER_IMPORT.get(package, ())
    return sorted(n for n in names if _within(n, banned))


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_domain_core_imports_no_plumbing() -> None:
    files = [f for f in python_files("payments") if _rel(f) not in PENDING_MOVE]
    assert len(files) > 5, "the walk found no domain modules"
    broken = {
        _rel(f): bad for f in files if (bad := domain_violations(imports_in(f.read_text(), f)))
    }
    assert broken == {}, f"payments/ must import only {DOMAIN_MAY_IMPORT} and the stdlib"


@pytest.mark.parametrize("package", EDGES)
def test_edges_stay_apart(package: str) -> None:
    files = python_files(package)
    assert files, f"no {package}/ package"
    broken = {
        _rel(f): bad
        for f in files
        if (bad := edge_violations(package, imports_in(f.read_text(), f)))
    }
    assert broken == {}, f"{package}/ must not import {NEVER_IMPORT[package]}"


def test_pending_exemptions_still_exist() -> None:
    gone = [path for path in PENDING_MOVE if not (ROOT / path).exists()]
    assert gone == [], "moved out of payments/: delete these PENDING_MOVE entries"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import aiohttp", ["aiohttp"]),
        ("import sqlite3", ["sqlite3"]),
        ("from temporalio import client", ["temporalio.client"]),
        ("from temporalio.converter import DataConverter", ["temporalio.converter.DataConverter"]),
        ("def f():\n    from infra import settings", ["infra.settings"]),
        ("from temporalio.common import RetryPolicy\nimport re\nfrom payments import ids", []),
        ("from pydantic import BaseModel\nfrom temporalio.exceptions import ApplicationError", []),
    ],
)
def test_domain_rule_catches(source: str, expected: list[str]) -> None:
    path = ROOT / "payments" / "example.py"
    assert domain_violations(imports_in(source, path)) == expected


def test_edge_rule_catches() -> None:
    path = ROOT / "api" / "service.py"
    names = imports_in("from cli import main\nfrom stack.api import x\nfrom .deps import y", path)
    assert edge_violations("api", names) == ["cli.main", "stack.api.x"]
