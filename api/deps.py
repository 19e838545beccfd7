"""Request dependencies: the application's shared state, the merchant, the rate limit."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from api.errors import InvalidRequest, RateLimited, Unauthorized
from api.idempotency import IdempotencyStore
from api.payment_index import PaymentIndex
from api.ratelimit import RateLimiter
from api.settings import ApiSettings
from payments.merchants import MerchantDirectory
from payments.vault import CardVault

_BEARER = re.compile(r"^Bearer ([A-Za-z0-9_\-]{16,200})$")
# 1 to 255 printable ASCII characters, as Stripe allows.
_KEY = re.compile(r"^[\x20-\x7e]{1,255}$")


@dataclass
class AppState:
    """Everything the lifespan owns: one Temporal client, the merchants, the key store."""

    settings: ApiSettings
    client: Client
    merchants: MerchantDirectory
    vault: CardVault
    store: IdempotencyStore
    index: PaymentIndex
    limiter: RateLimiter


def app_state(request: Request) -> AppState:
    """The state the lifespan created."""
    state: AppState = request.app.state.payments
    return state


State = Annotated[AppState, Depends(app_state)]


async def merchant(request: Request, state: State) -> str:
    """The merchant whose API key is in ``Authorization: Bearer``, after its rate limit.

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
    match = _BEARER.match(header)
    found = await asyncio.to_thread(state.merchants.merchant_for_key, match[1]) if match else None
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
