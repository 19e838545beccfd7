"""Request dependencies: the application's shared state, the merchant, the rate limit."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from api.errors import InvalidRequest, RateLimited, Unauthorized
from api.ratelimit import RateLimiter
from api.settings import ApiSettings
from facade.tokenize import CardTokenizer
from stores.checkout import CheckoutStore
from stores.customers import CustomerStore
from stores.idempotency import IdempotencyStore
from stores.merchants import MerchantDirectory
from stores.payment_index import PaymentIndex
from stores.refunds import RefundLedger
from stores.vault import CardVault

_API_KEY = re.compile(r"[A-Za-z0-9_\-]{16,200}")
# An auth scheme (matched case-insensitively, RFC 9110) and its credentials.
_AUTHORIZATION = re.compile(r"([A-Za-z]+) +([^ ]+)")
# 1 to 255 printable ASCII characters, as Stripe allows.
_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


@dataclass
class AppState:
    """Everything the lifespan owns: one Temporal client, the merchants, the key store, the
    card tokenizer (on this vault and one processor HTTP session), the customers, the hosted
    payment page's sessions and the API's secret (fingerprints, session ids)."""

    settings: ApiSettings
    client: Client
    merchants: MerchantDirectory
    vault: CardVault
    store: IdempotencyStore
    index: PaymentIndex
    limiter: RateLimiter
    tokenizer: CardTokenizer
    customers: CustomerStore
    checkout: CheckoutStore
    secret: bytes
    refunds: RefundLedger | None = None
    """Refunds of payments whose workflow closed (None: refund pre-checks see the result only)."""


def app_state(request: Request) -> AppState:
    """The state the lifespan created."""
    state: AppState = request.app.state.payments
    return state


State = Annotated[AppState, Depends(app_state)]


def api_key_of(header: str) -> str | None:
    """The API key in an ``Authorization`` header, or None if there is none of the right shape.

    ``Bearer <key>``, or ``Basic base64(<key>:)`` (the key as user name, no password) as Stripe
    clients send it; the scheme in any case.
    """
    match = _AUTHORIZATION.fullmatch(header.strip())
    if match is None:
        return None
    scheme, key = match[1].lower(), match[2]
    if scheme == "basic":
        key = _basic_user(key) or ""
    elif scheme != "bearer":
        return None
    return key if _API_KEY.fullmatch(key) else None


def _basic_user(token: str) -> str | None:
    try:
        decoded = base64.b64decode(token, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    # A password would be a second secret we ignore; refuse rather than pretend to check it.
    return user if colon and not password else None


async def merchant(request: Request, state: State) -> str:
    """The merchant whose API key is in ``Authorization`` (see ``api_key_of``), after its rate
    limit.

    Raises:
        Unauthorized: No key, a malformed one, or one that belongs to no merchant.
        RateLimited: The merchant is over its rate.
    """
    header = request.headers.get("authorization")
    if header is None:
        raise Unauthorized(
            "no API key; send Authorization: Bearer <key>",
            code="api_key_missing",
            headers={"WWW-Authenticate": "Bearer"},
        )
    key = api_key_of(header)
    found = await state.merchants.merchant_for_key(key) if key else None
    if found is None:
        # The message never repeats the key.
        raise Unauthorized("invalid API key", headers={"WWW-Authenticate": "Bearer"})
    wait = state.limiter.take(found)
    if wait:
        raise RateLimited("too many requests; slow down", headers={"Retry-After": str(wait)})
    return found


Merchant = Annotated[str, Depends(merchant)]


def idempotency_key(request: Request) -> str:
    """The ``Idempotency-Key`` header, required on every POST.

    Raises:
        InvalidRequest: Missing, empty, too long or not printable.
    """
    key = request.headers.get("idempotency-key")
    if key is None:
        raise InvalidRequest(
            "Idempotency-Key header is required on every POST",
            code="idempotency_key_missing",
            param="Idempotency-Key",
        )
    if not _KEY.match(key):
        raise InvalidRequest(
            "Idempotency-Key must be 1 to 255 printable characters",
            code="idempotency_key_invalid",
            param="Idempotency-Key",
        )
    return key
