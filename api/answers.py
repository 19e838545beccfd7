"""Running a POST under its idempotency key and saving what it answered."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import AppState
from api.errors import ApiError, IdempotencyInUse, IdempotencyReused, dumps, from_payment_error
from payments.errors import PaymentError
from stores.idempotency import IdempotencyStore, InUse, Mismatch, Replay

REPLAY_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True, slots=True)
class Answer:
    """A response; ``stored`` replaces the body in the store when the body holds a secret."""

    status: int
    body: bytes
    stored: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def final(self) -> bool:
        """202 (still processing) and 503 (not reached, or outcome unknown) are not final."""
        return self.status not in (202, 503)


def ok(model: BaseModel, status: int = 200, stored: BaseModel | None = None) -> Answer:
    """An answer from a response model."""
    saved = stored.model_dump_json().encode() if stored is not None else None
    return Answer(status, model.model_dump_json().encode(), saved)


def failed(exc: ApiError) -> Answer:
    """An answer from an error."""
    return Answer(exc.status, dumps(exc.body()), headers=tuple(exc.headers.items()))


async def idempotent(
    state: AppState,
    request: Request,
    merchant: str,
    key: str,
    canonical_body: bytes,
    work: Callable[[], Awaitable[Answer]],
) -> Response:
    """Claim ``key`` (or replay, or refuse), run ``work``, save or release the answer.

    Everything before this call is validation, which saves nothing.
    """
    store = state.store
    fingerprint = store.fingerprint(request.method, request.url.path, canonical_body)
    outcome = await store.claim(merchant, key, fingerprint)
    if isinstance(outcome, Replay):
        headers = {REPLAY_HEADER: "true"}
        return Response(outcome.body, outcome.status, headers, media_type="application/json")
    if isinstance(outcome, InUse):
        raise IdempotencyInUse("a request with this Idempotency-Key is still in progress")
    if isinstance(outcome, Mismatch):
        raise IdempotencyReused(
            "this Idempotency-Key was used with a different request", param="Idempotency-Key"
        )
    owner = outcome.owner
    renewing = asyncio.create_task(_renew(store, merchant, key, owner))
    try:
        answer = await _run(work)
    except BaseException:
        # Cancelled or crashed mid-way: the ids derive from the key, so a retry is safe.
        # Shielded: a second cancellation must not leave the key in flight until its lease lapses.
        await asyncio.shield(store.release(merchant, key, owner))
        raise
    finally:
        renewing.cancel()
    if answer.final:
        await store.finish(merchant, key, owner, answer.status, answer.stored or answer.body)
    else:
        await store.release(merchant, key, owner)
    return Response(answer.body, answer.status, dict(answer.headers), media_type="application/json")


async def _renew(store: IdempotencyStore, merchant: str, key: str, owner: str) -> None:
    """Keep the claim's lease while the request works; if this process dies, it lapses."""
    while True:
        await asyncio.sleep(store.lease_seconds / 3)
        await store.renew(merchant, key, owner)  # busy: skipped, the next round renews


async def _run(work: Callable[[], Awaitable[Answer]]) -> Answer:
    try:
        return await work()
    except ApiError as exc:
        return failed(exc)
    except PaymentError as exc:
        return failed(from_payment_error(exc))
