"""3-D Secure under chaos: each challenge payment's authentication and money, as planned."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from chaos.checks import Verdict
from chaos.evidence import Evidence
from chaos.plans import CHALLENGES, Kind, Plan

CHALLENGE_CHECK = "3-D Secure: one authentication each, money only after an approval"
# The authentication's final state at the access control server, per plan kind.
FINAL_STATE = {Kind.CHALLENGE_APPROVE: "authenticated", Kind.CHALLENGE_DENY: "failed",
               Kind.CHALLENGE_TIMEOUT: "expired"}  # fmt: skip


def read_authentications(db_files: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Every authentication per payment in the simulators' databases (read-only)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for db in db_files:
        uri = f"file:{db}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute(
                "SELECT payment_id, flow, state, decided_at FROM authentications"
            ).fetchall()
        for row in rows:
            out.setdefault(row["payment_id"], []).append(dict(row) | {"ledger": db.stem})
    return out


def _problem(plan: Plan, auths: list[dict[str, Any]], effects: list[dict[str, Any]]) -> str | None:
    pid, want = plan.payment_id, FINAL_STATE[plan.kind]
    if [a["state"] for a in auths] != [want]:
        return f"{pid} ({plan.kind}): authentications {[a['state'] for a in auths]}, want [{want}]"
    authorize = [e for e in effects if e["operation"] == "authorize"]
    if plan.kind is not Kind.CHALLENGE_APPROVE:
        return f"{pid} ({plan.kind}): {len(effects)} effects, want none" if effects else None
    if len(authorize) != 1:
        return f"{pid}: {len(authorize)} authorize effects, want exactly one"
    decided = datetime.fromisoformat(auths[0]["decided_at"])
    if datetime.fromisoformat(authorize[0]["created_at"]) < decided:
        return f"{pid}: authorized before its challenge was approved"
    return None


def _hit(windows: dict[str, tuple[float, float]], kills: list[float]) -> int:
    """Challenge waits that a worker SIGKILL fell into."""
    return sum(1 for start, end in windows.values() if any(start <= k <= end for k in kills))


def challenges(plans: list[Plan], ev: Evidence) -> Verdict | None:
    """Approved: one authorize effect, after the approval. Denied or unanswered: no money.

    None when the run had no challenge cards.
    """
    mine = [p for p in plans if p.kind in CHALLENGES]
    if not mine:
        return None
    effects: dict[str, list[dict[str, Any]]] = {}
    for lg in ev.ledgers:
        for e in lg.effects:
            effects.setdefault(e["payment_id"], []).append(e)
    problems = [
        p for plan in mine
        if (p := _problem(plan, ev.authentications.get(plan.payment_id, []),
                          effects.get(plan.payment_id, [])))
    ]  # fmt: skip
    hit = _hit(ev.challenge_windows, ev.kill_times)
    if not hit:
        problems.append("no worker was SIGKILLed while a payment waited for its challenge")
    detail = f"{len(mine)} challenge payments, {hit} of them waited through a worker SIGKILL"
    return Verdict(CHALLENGE_CHECK, not problems, detail, problems)
