"""Every relative link in README.md and docs/*.md reaches a file, and its anchor a heading.

The README is a map of the docs/ pages, so a page moved or a heading renamed must not leave a
dead link behind. Anchors follow GitHub's rule for heading ids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stack.commands import REPO_ROOT

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_CODE = re.compile(r"`+[^`\n]*`+")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_HTML_ID = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def pages(root: Path = REPO_ROOT) -> list[Path]:
    """The README and every page in docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def _prose(text: str) -> str:
    """``text`` without code blocks, code spans and comments, where brackets are not links."""
    return _CODE.sub("", _COMMENT.sub("", _FENCE.sub("", text)))


def slug(heading: str) -> str:
    """GitHub's id for a heading: its text lowercased, punctuation dropped, spaces as dashes."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a page offers: its headings' ids (repeats get -1, -2, ...) and HTML ids."""
    text = _FENCE.sub("", path.read_text())
    seen: dict[str, int] = {}
    found = set(_HTML_ID.findall(text))
    for heading in _HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The relative link targets on a page (web addresses and mail links left out)."""
    prose = _prose(path.read_text())
    targets = _INLINE.findall(prose) + _REFERENCE.findall(prose)
    return [t for t in targets if not _SCHEME.match(t)]


def broken(path: Path, root: Path = REPO_ROOT) -> list[str]:
    """Each link on ``path`` that reaches no file, leaves the repository or names no heading."""
    problems = []
    for target in links(path):
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path.resolve()
        if not dest.is_relative_to(root.resolve()):
            problems.append(f"{target}: outside the repository")
        elif not dest.exists():
            problems.append(f"{target}: no such file")
        elif anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
            problems.append(f"{target}: no heading #{anchor} in {dest.name}")
    return problems


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken(page) == []


def test_the_readme_links_every_docs_page() -> None:
    linked = {(REPO_ROOT / t.partition("#")[0]).resolve() for t in links(REPO_ROOT / "README.md")}
    assert [p.name for p in pages()[1:] if p.resolve() not in linked] == []


def test_the_checker_finds_dead_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(
        "# Title\n\n## Webhook URLs (SSRF)\n\n## Two: `names`\n\n## Two: `names`\n"
        "```md\n[in code](missing.md)\n```\n`[in a span](missing.md)`\n"
    )
    readme = tmp_path / "README.md"
    readme.write_text(
        "[ok](docs/a.md) [ok](docs/a.md#webhook-urls-ssrf) [ok](docs/a.md#two-names-1) "
        "[ok](#here) [web](https://example.com/x.md) <http://127.0.0.1:8233>\n\n## Here\n\n"
        "[gone](docs/b.md) [bad anchor](docs/a.md#nowhere) [out](../../etc/passwd)\n"
        "[ref]: docs/c.md\n"
    )
    assert broken(readme, root=tmp_path) == [
        "docs/b.md: no such file",
        "docs/a.md#nowhere: no heading #nowhere in a.md",
        "../../etc/passwd: outside the repository",
        "docs/c.md: no such file",
    ]
