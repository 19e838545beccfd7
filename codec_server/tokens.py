"""Bearer tokens for the codec server, stored as SHA-256 hashes with a name and a role.

``python -m codec_server.tokens add NAME --role reader|admin --file F`` prints the token once;
only its hash is written (file mode 0600). ``list`` shows names and roles, ``revoke`` removes one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from infra.exits import exit_now
from infra.keyring import write_private

TOKEN_PREFIX = "cdc_"  # noqa: S105 - a marker that makes leaked tokens greppable


class Role(StrEnum):
    """What a caller may do: readers decode, admins decode and encode."""

    READER = "reader"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """Who is calling, for authorization and the audit log."""

    name: str
    role: Role


class TokenError(Exception):
    """The tokens file is malformed, or a token operation is refused."""


def token_hash(token: str) -> str:
    """The hex SHA-256 under which a token is stored (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_tokens(path: Path) -> dict[str, Principal]:
    """Principals by token hash; a missing file means no tokens (every bearer call is refused)."""
    try:
        raw = json.loads(path.read_text())
        return {t["sha256"]: Principal(t["name"], Role(t["role"])) for t in raw["tokens"]}
    except FileNotFoundError:
        return {}
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError(f"malformed tokens file {path}: {type(exc).__name__}") from None


def _entries(path: Path) -> list[dict[str, str]]:
    return [
        {"name": p.name, "role": str(p.role), "sha256": h} for h, p in load_tokens(path).items()
    ]


def _save(path: Path, entries: list[dict[str, str]]) -> None:
    write_private(path, json.dumps({"tokens": entries}, indent=2) + "\n")


def add_token(path: Path, name: str, role: Role) -> str:
    """Create a token for ``name``; returns it (the only time it exists outside the caller)."""
    entries = _entries(path)
    if any(e["name"] == name for e in entries):
        raise TokenError(f"a token named {name!r} exists; revoke it first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    _save(path, [*entries, {"name": name, "role": str(role), "sha256": token_hash(token)}])
    return token


def revoke_token(path: Path, name: str) -> None:
    """Remove the token named ``name``; a running server stops accepting it at once."""
    entries = _entries(path)
    kept = [e for e in entries if e["name"] != name]
    if len(kept) == len(entries):
        raise TokenError(f"no token named {name!r}")
    _save(path, kept)


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m codec_server.tokens", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create a token and print it once")
    add.add_argument("name")
    add.add_argument("--role", type=Role, choices=list(Role), required=True)
    sub.add_parser("list", help="names and roles")
    sub.add_parser("revoke", help="remove a token").add_argument("name")
    for cmd in sub.choices.values():
        cmd.add_argument("--file", type=Path, required=True, help="tokens file")
    return top


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "add":
            print(add_token(args.file, args.name, args.role))
        elif args.command == "revoke":
            revoke_token(args.file, args.name)
            print(f"{args.name} revoked")
        else:
            for principal in sorted(load_tokens(args.file).values(), key=lambda p: p.name):
                print(f"{principal.name}: {principal.role}")
    except TokenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    exit_now(code)
