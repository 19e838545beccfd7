"""Stripe's idempotency layer (docs.stripe.com/api/idempotent_requests).

- The status and body of the first request with a key are saved once the endpoint starts
  executing, errors included (500s too); a retry with the same key and parameters gets the
  saved answer with ``Idempotent-Replayed: true``.
- Other parameters or another endpoint with a used key: 400 ``idempotency_error``.
- Validation failures and requests refused before executing (429, injected 500) save nothing.
- A second request while the first still runs: 409 (``idempotency_key_in_use``).
- Keys are scoped to the API key and pruned after 24 hours.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.stripe_double.wire import StripeError

TTL_SECONDS = 24 * 3600


@dataclass
class Entry:
    """One key's first request and, once it finished executing, its answer."""

    fingerprint: str
    created: float
    status: int | None = None
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    """What must match for a replay: endpoint and parameters."""
    return json.dumps([method, path, params], sort_keys=True)


class Keys:
    """Saved answers by (API key, idempotency key)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], Entry] = {}

    def begin(self, scope: tuple[str, str], print_: str) -> Entry | None:
        """The saved entry to replay, or ``None`` after marking the key in flight.

        Raises ``StripeError`` for a key reused with other parameters or still in flight.
        """
        entry = self._entries.get(scope)
        if entry and self._clock() - entry.created >= TTL_SECONDS:
            entry = None  # pruned: the key makes a new request
        if entry is None:
            self._entries[scope] = Entry(print_, self._clock())
            return None
        if entry.fingerprint != print_:
            raise StripeError(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same "
                "parameters they were first used with. Try using a key other "
                f"than '{scope[1]}' if you meant to execute a different request.",
                stored=False,
            )
        if entry.status is None:
            raise StripeError(
                409,
                "invalid_request_error",
                "There is currently another in-progress request using this "
                "idempotency key. Try again later.",
                code="idempotency_key_in_use",
                stored=False,
            )
        return entry

    def save(
        self, scope: tuple[str, str], status: int, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        """Keep the answer of the executed request."""
        entry = self._entries[scope]
        entry.status, entry.body, entry.headers = status, body, headers

    def forget(self, scope: tuple[str, str]) -> None:
        """Drop a key whose request never executed (validation, 429, refused)."""
        self._entries.pop(scope, None)
