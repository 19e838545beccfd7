"""Every file, folder and module of this repository named in the docs' code exists.

The docs name code (`payments/money.py`, `workflows.policies.POLICIES`, `python -m
codec_server.tokens`) in code spans and code blocks; when code moves, this test lists each name
left behind, so the pages move with it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from stack.commands import REPO_ROOT

_PACKAGES = (
    "payments|infra|stores|processors|facade|workflows|activities|api|cli|bench|chaos"
    "|codec_server|stack|simulator|tests"
)
_FENCE = re.compile(r"^```(\w*).*?\n(.*?)^```[ \t]*$", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
_PATH = re.compile(rf"(?<![\w./-])(?:{_PACKAGES})/(?:[\w.-]+/?)*")
_MODULE = re.compile(rf"(?<![\w./-])(?:{_PACKAGES})(?:\.\w+)+")

# Named before they exist: made at run time (git-ignored), or written by other parts of issue 12
# (delete an entry once its path is in the tree).
NOT_IN_THE_TREE = {
    "bench/results/",
    "chaos/results/",
}
# Dotted names that are files, not modules: the API's SQLite database.
NOT_MODULES = {"api.db"}


def pages(root: Path = REPO_ROOT) -> list[Path]:
    """The README and every page in docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def code(text: str) -> list[str]:
    """The code on a page: its code spans and code blocks, without mermaid pictures."""
    blocks = [body for lang, body in _FENCE.findall(text) if lang != "mermaid"]
    return blocks + _SPAN.findall(_FENCE.sub("", text))


def names(text: str) -> tuple[set[str], set[str]]:
    """The repository paths and dotted module names in a page's code (placeholders left out)."""
    found = code(text)
    paths = {p.rstrip(".") for c in found for p in _PATH.findall(c) if "<" not in p}
    modules = {m for c in found for m in _MODULE.findall(c)} - NOT_MODULES
    return paths - NOT_IN_THE_TREE, modules


def resolves(dotted: str) -> bool:
    """True if ``dotted`` is a module, or a module and attributes within it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_named_file_and_module_exists(page: Path) -> None:
    paths, modules = names(page.read_text())
    assert sorted(p for p in paths if not (REPO_ROOT / p).exists()) == []
    assert sorted(m for m in modules if not resolves(m)) == []


def test_names_come_from_code_only() -> None:
    text = (
        "28 payments/s in prose, `payments/money.py` and `python -m infra.keys new`\n"
        "```mermaid\napi[api/<br/>merchant]\n```\n"
        "```bash\npython -m codec_server.tokens list\n```\n"
        "`processors/<kind>.py` `payments.gone.Name` `api.db`\n"
    )
    paths, modules = names(text)
    # The folder before a placeholder is a path of its own; it must exist like any other.
    assert paths == {"payments/money.py", "processors/"}
    assert modules == {"infra.keys", "codec_server.tokens", "payments.gone.Name"}
    assert [m for m in sorted(modules) if not resolves(m)] == ["payments.gone.Name"]
