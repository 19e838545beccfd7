"""The docs' generated blocks, rendered from the tables in code that they describe.

``python -m stack.readme`` rewrites every block between ``<!-- generated: NAME -->`` and
``<!-- end: NAME -->`` in README.md and docs/*.md; ``--check`` only says whether one is stale
(tests/test_docs.py runs it). Each block lives on exactly one page. Edit the code's table, not the
page's.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from cli.errors import MEANING
from infra.settings import Settings
from payments.public import API_STATUS
from payments.status import mermaid_diagram
from stack import variables
from stack.commands import REPO_ROOT
from workflows.authorization import ATTEMPTS_PER_PROCESSOR
from workflows.policies import CALL_TIMEOUT, POLICIES, StepName, StepPolicy

_MARKER = re.compile(r"<!-- generated: ([\w-]+) -->")


def pages(root: Path = REPO_ROOT) -> list[Path]:
    """The pages that may hold generated blocks: the README and every page in docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def state_diagram() -> str:
    """The payment state machine as a mermaid block, from ``payments.status.TRANSITIONS``."""
    return f"```mermaid\n{mermaid_diagram()}\n```"


def status_table() -> str:
    """Workflow status to API status, from ``payments.public.API_STATUS``."""
    rows = [
        f"| `{internal.value}` | `{api.value}` | {'yes' if internal.is_terminal else 'no'} |"
        for internal, api in API_STATUS.items()
    ]
    head = "| workflow status (`PaymentStatus`) | API status | final |"
    return "\n".join([head, "|---|---|---|", *rows])


def _span(td: timedelta) -> str:
    seconds = int(td.total_seconds())
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}" + ("s" if unit == "day" and n > 1 else "")
    return f"{seconds} s"


def _notes() -> dict[StepName, str]:
    alert = Settings.model_fields["unknown_outcome_alert_seconds"].default
    # workflows/authorization.py sleeps ``attempt`` seconds after each failed attempt.
    pauses = ", ".join(f"{n} s" for n in range(1, ATTEMPTS_PER_PROCESSOR))
    return {
        StepName.BALANCE: "then the next processor",
        StepName.AUTHORIZE: f"the workflow makes {ATTEMPTS_PER_PROCESSOR} attempts per processor "
        f"({pauses} apart), then asks (`inquire`) or fails over",
        StepName.INQUIRE: "each round is bounded by `PAYMENTS_UNKNOWN_OUTCOME_ALERT_SECONDS` "
        f"({alert} s) instead; rounds repeat until the processor answers",
        StepName.CAPTURE: "the customer's money is already held",
        StepName.NOTIFY: "a merchant's endpoint may be down; the payment never waits for it",
        StepName.AUTHENTICATE: "3-D Secure moves no money; then the payment fails, nothing charged",
        StepName.CONFIRM_AUTHENTICATION: "asks the processor how the challenge ended (never the "
        "browser)",
    }


def _attempts(policy: StepPolicy) -> str:
    return "until the deadline" if policy.max_attempts == 0 else str(policy.max_attempts)


def retry_table() -> str:
    """Every step's timeouts and retries, from ``workflows.policies.POLICIES``."""
    notes = _notes()
    head = "| step | runs as | each call | retries for | attempts | backoff | note |"
    rows = [head, "|---|---|---|---|---|---|---|"]
    for step, p in POLICIES.items():
        kind = "local activity" if p.local else "activity"
        retry = p.retry()
        backoff = (
            f"{_span(retry.initial_interval)}, x{retry.backoff_coefficient:g} each retry, "
            f"at most {_span(p.max_interval)}"
        )
        if p.max_attempts == 1:
            backoff = "none (one attempt)"
        rows.append(
            f"| `{step.value}` | {kind} | {_span(CALL_TIMEOUT)} | {_span(p.schedule_to_close)} "
            f"| {_attempts(p)} | {backoff} | {notes.get(step, '')} |"
        )
    return "\n".join(rows)


def exit_table() -> str:
    """``starter.py``'s exit statuses, from ``cli.errors.MEANING``."""
    rows = [f"| {int(code)} | {meaning} |" for code, meaning in MEANING.items()]
    return "\n".join(["| exit status | meaning |", "|---|---|", *rows])


SECTIONS: dict[str, Callable[[], str]] = {
    "state-diagram": state_diagram,
    "status-vocabulary": status_table,
    "retry-budgets": retry_table,
    "stack-variables": variables.as_markdown,
    "exit-statuses": exit_table,
}


def render(text: str) -> str:
    """``text`` with every generated block in it replaced by its current rendering.

    Raises:
        ValueError: A block names no known section, or its end marker is missing.
    """
    for name in _MARKER.findall(text):
        make = SECTIONS.get(name)
        if make is None:
            raise ValueError(f"unknown generated block {name!r}")
        block = re.compile(rf"(<!-- generated: {name} -->\n)(?:.*?\n)?(<!-- end: {name} -->)", re.S)
        if not block.search(text):
            raise ValueError(f"generated block {name!r} has no end marker")
        body = make()
        text = block.sub(lambda m: f"{m.group(1)}{body}\n{m.group(2)}", text)  # noqa: B023
    return text


def homes(paths: list[Path]) -> dict[str, Path]:
    """The one page among ``paths`` that holds each section.

    Raises:
        ValueError: A section is on no page, or on more than one (or twice on one).
    """
    found: dict[str, list[Path]] = {name: [] for name in SECTIONS}
    for path in paths:
        for name in _MARKER.findall(path.read_text()):
            found.setdefault(name, []).append(path)
    for name, where in found.items():
        if len(where) != 1:
            places = ", ".join(str(p) for p in where) or "no page"
            raise ValueError(f"generated block {name!r} must be on exactly one page, not {places}")
    return {name: where[0] for name, where in found.items()}


def home(name: str) -> Path:
    """The page that holds the generated block ``name``."""
    return homes(pages())[name]


def main(argv: list[str], root: Path = REPO_ROOT) -> int:
    """Rewrite the pages' generated blocks, or with ``--check`` report whether any is stale."""
    paths = pages(root)
    homes(paths)
    stale = []
    for path in paths:
        text = path.read_text()
        fresh = render(text)
        if fresh != text:
            stale.append(path)
            if "--check" not in argv:
                path.write_text(fresh)
    if "--check" in argv and stale:
        for path in stale:
            print(f"{path} is stale: run python -m stack.readme", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
