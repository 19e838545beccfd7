"""3-D Secure on Stripe: the ``Authenticator`` Protocol over the payment's own PaymentIntent.

Stripe authenticates inside the PaymentIntent: the authorization left it ``requires_action``
(declined ``authentication_required`` to the workflow). Starting authentication confirms it again
with a ``return_url``, and Stripe answers ``next_action.redirect_to_url`` (its hosted 3-D Secure
page). The authentication's id is the PaymentIntent's id; its state is the intent's status,
read back from Stripe, never from the browser. The authorization that follows an approval holds
nothing new: the same intent is already ``requires_capture``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import stripe

from payments.authentication import AuthenticationState
from payments.errors import ErrorType
from processors.authentication import (
    AuthenticationLookup,
    AuthenticationRequest,
    AuthenticationStatus,
)
from processors.errors import ProcessorFailure
from processors.stripe.lookup import Lookup

Obj = dict[str, Any]
EXPIRES = "authentication_expires_at"
"""Metadata key: when our authentication gives up (Stripe's intents have no such deadline)."""
AUTH_FAILED = "payment_intent_authentication_failure"
_HELD = ("requires_capture", "succeeded")


def _missing(authentication_id: str) -> ProcessorFailure:
    return ProcessorFailure(ErrorType.INVALID_REQUEST, "resource_missing",
                            f"no authentication {authentication_id} for this payment")  # fmt: skip


def return_url(base: str, intent_id: str) -> str:
    """The caller's return URL with ``authentication=<intent id>`` added (Stripe adds its own
    ``payment_intent`` parameters after it)."""
    glue = "&" if "?" in base else "?"
    return base + glue + urlencode({"authentication": intent_id})


def state_of(pi: Obj) -> AuthenticationState:
    """Where the authentication stands, from the PaymentIntent's status."""
    status = pi.get("status")
    if status in _HELD:
        return AuthenticationState.AUTHENTICATED
    if status == "requires_action":
        return AuthenticationState.CHALLENGE
    error = pi.get("last_payment_error") or {}
    if status == "requires_payment_method" and error.get("code") == AUTH_FAILED:
        return AuthenticationState.FAILED
    if status == "canceled":
        return AuthenticationState.EXPIRED
    return AuthenticationState.FAILED


def status_of(pi: Obj) -> AuthenticationStatus:
    """The intent as our ``AuthenticationStatus`` (the page's URL while a challenge is open)."""
    state = state_of(pi)
    action = pi.get("next_action") or {}
    redirect = action.get("redirect_to_url") or {}
    expires = (pi.get("metadata") or {}).get(EXPIRES)
    at = datetime.fromtimestamp(int(expires), UTC) if expires else _created(pi) + timedelta(days=1)
    url = redirect.get("url") if state is AuthenticationState.CHALLENGE else None
    return AuthenticationStatus(authentication_id=pi["id"], state=state, challenge_url=url,
                                expires_at=at)  # fmt: skip


def _created(pi: Obj) -> datetime:
    return datetime.fromtimestamp(int(pi.get("created") or 0), UTC)


Call = Callable[[Awaitable[Any]], Awaitable[Obj]]


class StripeAuthentication:
    """Mixed into ``StripeProcessor``: its client, lookup and error mapping (``_call``)."""

    _client: stripe.StripeClient
    _lookup: Lookup
    _call: Call

    async def start_authentication(self, req: AuthenticationRequest) -> AuthenticationStatus:
        """Confirm the payment's ``requires_action`` intent with a return URL; an intent that
        needs nothing more (already held) is authenticated at once."""
        pi = await self._call(self._lookup.intent(req.payment_id))
        if not pi:
            raise _missing(f"for payment {req.payment_id}")
        if pi.get("status") != "requires_action":
            return status_of(pi)
        intents = self._client.v1.payment_intents
        deadline = int(datetime.now(UTC).timestamp()) + req.expires_in_seconds
        meta = {"metadata": {EXPIRES: str(deadline)}}
        pi = await self._call(intents.update_async(pi["id"], meta))  # type: ignore[arg-type]
        if req.return_url is not None:
            params = {"return_url": return_url(req.return_url, pi["id"])}
            options = {"idempotency_key": req.idempotency_key}
            pi = await self._call(intents.confirm_async(pi["id"], params, options))  # type: ignore[arg-type]
        return status_of(pi)

    async def authentication(self, req: AuthenticationLookup) -> AuthenticationStatus:
        """The intent's state now; another payment's intent is ``resource_missing``."""
        pending = self._client.v1.payment_intents.retrieve_async(req.authentication_id)
        try:
            pi = await self._call(pending)
        except ProcessorFailure as failure:
            if failure.error_type is ErrorType.INVALID_REQUEST:
                raise _missing(req.authentication_id) from None
            raise
        if (pi.get("metadata") or {}).get("payment_id") != req.payment_id:
            raise _missing(req.authentication_id)
        return status_of(pi)

    async def authenticated_intent(self, authentication_id: str, payment_id: str) -> Obj:
        """The authenticated intent for the authorization that follows; a failure otherwise."""
        look = AuthenticationLookup(authentication_id=authentication_id, payment_id=payment_id)
        await self.authentication(look)  # the ownership check
        return await self._call(self._client.v1.payment_intents.retrieve_async(authentication_id))
