"""How ``starter.py`` ends: one exit status per kind of outcome, the same in both modes.

A script can tell a declined payment from a refused request, from an outage (retry later) and
from a command that cannot run in API mode, without parsing messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from payments.errors import ErrorKind


class Exit(IntEnum):
    """``starter.py``'s exit statuses; ``MEANING`` says when each is used."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    DECLINED = 3
    UNAVAILABLE = 4
    NEEDS_TEMPORAL = 5


MEANING: dict[Exit, str] = {
    Exit.OK: "done",
    Exit.REFUSED: "refused, nothing changed (bad input or state, unknown id, bad key)",
    Exit.USAGE: "the command line is wrong",
    Exit.DECLINED: "the payment was declined (by the issuer or at the card check)",
    Exit.UNAVAILABLE: "Temporal, the API or the processors unreachable; retry later",
    Exit.NEEDS_TEMPORAL: "an operator command given --api (it reads Temporal or the run folder)",
}


def exit_statuses() -> str:
    """The exit statuses as ``starter.py --help`` prints them."""
    return "exit status:\n" + "\n".join(f"  {int(c)}  {m}" for c, m in MEANING.items())


def exit_for_http(status: int) -> Exit:
    """The exit status for an error answer of the HTTP API (or a direct-mode equivalent)."""
    if status == 402:
        return Exit.DECLINED
    if status >= 500:
        return Exit.UNAVAILABLE
    return Exit.REFUSED


def exit_for_kind(kind: ErrorKind) -> Exit:
    """The exit status for a domain error in direct mode (the same meaning as over HTTP)."""
    if kind is ErrorKind.DECLINED:
        return Exit.DECLINED
    if kind in (ErrorKind.UNAVAILABLE, ErrorKind.OUTCOME_UNKNOWN):
        return Exit.UNAVAILABLE
    return Exit.REFUSED


class CliError(Exception):
    """An expected failure: one line on stderr, ``output`` on stdout, then exit ``code``."""

    def __init__(self, message: str, code: Exit = Exit.REFUSED, output: Sequence[str] = ()) -> None:
        """``output`` is what is still worth printing, e.g. the declined payment."""
        super().__init__(message)
        self.message, self.code, self.output = message, code, list(output)
