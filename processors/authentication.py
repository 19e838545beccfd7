"""3-D Secure at a processor: the ``Authenticator`` Protocol and its models.

A processor with capability ``three_d_secure`` implements it next to ``Processor``. The payment
authorizes first; a card whose issuer wants authentication is declined ``authentication_required``;
the workflow then starts an authentication here, waits for the customer if there is a challenge,
asks here how it ended, and authorizes again with the authentication's id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Protocol, runtime_checkable

from pydantic import Field, StrictInt

from payments.authentication import AuthenticationState
from payments.money import Money
from processors.models import Card, Frozen, Key


class AuthenticationRequest(Frozen):
    """Start 3-D Secure for ``card`` on ``merchant_id``'s payment ``payment_id``."""

    idempotency_key: Key
    payment_id: str
    merchant_id: str
    card: Card
    amount: Money
    return_url: str | None
    """Where the challenge page sends the browser, with the authentication's id appended."""
    expires_in_seconds: Annotated[StrictInt, Field(gt=0)]


class AuthenticationStatus(Frozen):
    """An authentication as the processor reports it: ``challenge_url`` while one is open."""

    authentication_id: str
    state: AuthenticationState
    challenge_url: str | None = None
    expires_at: datetime


class AuthenticationLookup(Frozen):
    """Which authentication to report on (it must belong to ``payment_id``)."""

    authentication_id: str
    payment_id: str


@runtime_checkable
class Authenticator(Protocol):
    """A processor with capability ``three_d_secure`` also implements this."""

    async def start_authentication(self, req: AuthenticationRequest) -> AuthenticationStatus:
        """Authenticate at once (frictionless), or open a challenge; the same key answers the same
        authentication."""
        ...

    async def authentication(self, req: AuthenticationLookup) -> AuthenticationStatus:
        """How the authentication stands now; an unknown id or another payment's is
        ``ProcessorFailure`` ``INVALID_REQUEST`` (code ``resource_missing``)."""
        ...
