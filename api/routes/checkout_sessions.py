"""``/v1/checkout_sessions``: hosted payment pages a merchant sends its customers to.

Another merchant's session answers 404 ``resource_missing``, exactly like an unknown id.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.answers import Answer, idempotent, ok
from api.body import canonical, parse_json, read_body, validate
from api.checkout import sessions
from api.checkout.flow import PAID, payment_of
from api.checkout.schemas import CheckoutSessionOut, CreateCheckoutSession
from api.deps import AppState, Merchant, State, idempotency_key
from api.docs import body_doc, error_responses
from api.errors import IdempotencyReused, NotFound
from api.routes.payments import IdempotencyKey, json_response
from payments.public import public_status
from stores.checkout import SessionRow

router = APIRouter(prefix="/v1/checkout_sessions", tags=["checkout_sessions"])


@router.post(
    "",
    response_model=CheckoutSessionOut,
    responses=error_responses(400, 401, 413, 422, 429, 503),
    openapi_extra=body_doc(CreateCheckoutSession),
)
async def create_checkout_session(
    request: Request, state: State, merchant: Merchant, _key: IdempotencyKey = None
) -> Response:
    """Create a hosted payment page; send the customer to ``url`` before ``expires_at``.

    The page takes the card, runs a 3-D Secure challenge when the issuer asks, offers another
    card after a decline, and sends the customer to ``success_url`` once paid.
    """
    raw = await read_body(request, state.settings.max_body_bytes)
    key = idempotency_key(request)
    data = parse_json(raw)
    body = validate(CreateCheckoutSession, data)
    sessions.check(body)
    row = sessions.new_row(state, merchant, key, body, datetime.now(UTC))
    base_url = str(request.base_url)

    async def work() -> Answer:
        made = await state.checkout.create(row)
        if made is None:
            raise IdempotencyReused("this Idempotency-Key made another session")
        return ok(sessions.session_out(made, base_url))

    fingerprint = canonical({**data, "currency": body.currency.value})
    return await idempotent(state, request, merchant, key, fingerprint, work)


@router.get(
    "/{session_id}", response_model=CheckoutSessionOut, responses=error_responses(401, 404, 503)
)
async def get_checkout_session(
    session_id: str, request: Request, state: State, merchant: Merchant
) -> Response:
    """One of this merchant's sessions; ``complete`` once its payment succeeded."""
    row = await state.checkout.get_for(merchant, session_id)
    if row is None:
        raise NotFound("no such checkout session")
    row = await _settled(state, row)
    out = sessions.session_out(row, str(request.base_url))
    return json_response(out.model_dump_json().encode())


async def _settled(state: AppState, row: SessionRow) -> SessionRow:
    """The row, completed first if its payment succeeded while the customer was away."""
    if row.started_us is None or row.completed_us is not None:
        return row
    view = await payment_of(state, row)
    if view is None or public_status(view.status, view.capture_method) not in PAID:
        return row
    await state.checkout.complete(row.id, datetime.now(UTC))
    return await state.checkout.get_for(row.merchant_id, row.id) or row
