"""The rules of an idempotency key, stated once for every backend.

States: ``in_flight`` while a request works; ``done`` with the saved answer; ``released`` when
the answer was not final (503, or 202 ``processing``): the same request may then claim the key
again, and because payment, capture and refund ids derive from the key, the retry attaches to
the same operation in Temporal instead of repeating it.

A backend only reads and writes rows; what a row means for a new request is ``verdict``'s.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from stores.idempotency import leases

IN_FLIGHT, DONE, RELEASED = "in_flight", "done", "released"


@dataclass(frozen=True, slots=True)
class Claimed:
    """This request owns the key as ``owner``; it must ``renew``, then ``finish`` or ``release``."""

    owner: str


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was used for this same request; answer with what was saved."""

    status: int
    body: bytes


@dataclass(frozen=True, slots=True)
class InUse:
    """Another request with this key is still working."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was used for a different request."""


Outcome = Claimed | Replay | InUse | Mismatch
Refusal = Replay | InUse | Mismatch


@dataclass(frozen=True, slots=True)
class Row:
    """A key's row as stored (the lease fields are None on rows made before leases existed)."""

    fingerprint: str
    state: str
    status: int | None
    body: bytes | None
    claimed_at: float
    owner: str | None
    owner_host: str | None
    owner_pid: int | None
    lease_until: float | None


@dataclass(frozen=True, slots=True)
class Lease:
    """What a claim writes: who owns the key from ``now`` and until when without renewal."""

    owner: str
    host: str
    pid: int
    now: float
    until: float


@dataclass(frozen=True, slots=True)
class Policy:
    """How long claims hold and keys live."""

    lease_seconds: float
    """How long a claim holds without renewal."""
    deadline_seconds: float
    """The longest any request works: an older claim is stale even if renewed."""
    retention_hours: float
    """Finished keys are kept at least this long, then purged lazily."""

    def new_lease(self, now: float) -> Lease:
        """A fresh claim's lease, owned by a new owner id of this process."""
        owner, host, pid = leases.new_owner()
        return Lease(owner, host, pid, now, now + self.lease_seconds)


def fingerprint(secret: bytes, method: str, path: str, canonical_body: bytes) -> str:
    """A keyed hash of the request: comparable, but useless for guessing a card number."""
    message = method.encode() + b"\n" + path.encode() + b"\n" + canonical_body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verdict(row: Row, fingerprint: str, now: float, deadline_seconds: float) -> Refusal | None:
    """What an existing row means for a request: a refusal, or None if it may take the key."""
    if not hmac.compare_digest(row.fingerprint, fingerprint):
        return Mismatch()
    if row.state == DONE:
        return Replay(int(row.status or 0), bytes(row.body or b""))
    within_deadline = now - row.claimed_at < deadline_seconds
    holder = (row.owner, row.owner_host, row.owner_pid, row.lease_until)
    if row.state == IN_FLIGHT and leases.held(within_deadline, now, *holder):
        return InUse()
    return None  # released, or its owner is gone: this request takes it over
