"""Manage the payload keyring: ``python -m infra.keys new|activate|retire|list|usage``.

Rotation: ``new --activate`` (new payloads use it), wait until ``usage`` shows no open
workflow on the old id, then ``retire`` it. Key material is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from infra.exits import exit_now
from infra.key_usage import KeyUsage, open_workflow_key_usage
from infra.keyring import KeyringError, activate_key, add_key, load_keyring, retire_key
from infra.settings import Settings
from infra.temporal_client import connect


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per keyring operation."""
    top = argparse.ArgumentParser(prog="python -m infra.keys", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="generate a key and add it; prints only its id")
    new.add_argument("--activate", action="store_true", help="also make it the active key")
    for name, what in (("activate", "make ID the active key"), ("retire", "remove key ID")):
        cmd = sub.add_parser(name, help=what)
        cmd.add_argument("key_id", metavar="ID")
    sub.add_parser("list", help="key ids and which one is active")
    usage = sub.add_parser("usage", help="open workflows per key id (PAYMENTS_* settings)")
    usage.add_argument("--query", default="", help="extra visibility filter, ANDed")
    for cmd in sub.choices.values():
        # usage defaults to the settings' keyring; the others must name the file.
        cmd.add_argument("--file", type=Path, required=cmd is not usage, help="keyring file")
    return top


def list_keys(path: Path) -> list[str]:
    """One line per key id, marking the active one; never any key material."""
    ring = load_keyring(path)
    return [f"{k}{' (active)' if k == ring.active_id else ''}" for k in sorted(ring.keys)]


def usage_lines(usage: dict[str, KeyUsage], known: list[str]) -> list[str]:
    """``key id: N open workflows`` for every known key (0 included) and any unknown one."""
    lines = []
    for key_id in sorted(set(known) | set(usage)):
        u = usage.get(key_id, KeyUsage())
        note = "" if key_id in known else "  NOT IN KEYRING"
        lines.append(f"{key_id}: {u.workflows} open workflows ({u.payloads} payloads){note}")
    return lines


async def usage_report(settings: Settings, extra_query: str) -> list[str]:
    """Connect with ``settings`` and report key usage of the namespace's open workflows."""
    client = await connect(settings)
    usage = await open_workflow_key_usage(client, extra_query)
    return usage_lines(usage, sorted(load_keyring(settings.resolved_codec_key_file()).keys))


def run(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Execute one sub-command; return the lines to print."""
    path: Path = args.file or settings.resolved_codec_key_file()
    if args.command == "new":
        return [add_key(path, activate=args.activate)]
    if args.command == "activate":
        activate_key(path, args.key_id)
        return [f"{args.key_id} is now active"]
    if args.command == "retire":
        retire_key(path, args.key_id)
        return [f"{args.key_id} retired"]
    if args.command == "list":
        return list_keys(path)
    settings = settings.model_copy(update={"codec_key_file": path})
    return asyncio.run(usage_report(settings, args.query))


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status (1 for a refused operation)."""
    args = parser().parse_args(argv)
    try:
        lines = run(args, Settings())
    except KeyringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # the SDK's connection failures
        print(f"error: cannot reach Temporal: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    exit_now(code)
