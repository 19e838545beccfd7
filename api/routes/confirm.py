"""``POST /v1/payments/{id}/confirm``: another card for a payment that waits for one.

A ``retry_on_decline`` payment whose card was declined is ``requires_payment_method``; the
customer's next card goes to its workflow as an Update under an id derived from the
Idempotency-Key, so a retried request attaches to the first attempt instead of paying again.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import service, temporal
from api.answers import Answer, idempotent
from api.body import canonical, parse_json, read_body, validate
from api.deps import AppState, Merchant, State, idempotency_key
from api.docs import body_doc, error_responses
from api.errors import InvalidRequest
from api.routes.payments import AcceptLanguage, IdempotencyKey
from api.schemas import ConfirmPayment, PaymentOut
from api.temporal import derived_id
from api.views import language
from facade import operations as ops
from payments.cards import ValidCard
from payments.models import CardFacts

router = APIRouter(prefix="/v1/payments/{payment_id}", tags=["payments"])


async def _card(state: AppState, merchant: str, body: ConfirmPayment) -> ValidCard | CardFacts:
    """The new card, checked locally, or the merchant's own vault card (reused checks)."""
    if (body.card is None) == (body.payment_method is None):
        missing = body.card is None
        raise InvalidRequest(
            "give exactly one of card and payment_method",
            code="parameter_missing" if missing else "parameter_invalid",
            param="card" if missing else "payment_method",
        )
    if body.card is not None:
        return service.valid_card(body.card)
    return await service.stored_card(state, merchant, str(body.payment_method))


@router.post(
    "/confirm",
    response_model=PaymentOut,
    responses=error_responses(400, 401, 402, 404, 409, 413, 422, 429, 503),
    openapi_extra=body_doc(ConfirmPayment),
)
async def confirm(
    payment_id: str,
    request: Request,
    state: State,
    merchant: Merchant,
    _key: IdempotencyKey = None,
    _lang: AcceptLanguage = None,
) -> Response:
    """Attach another card to a payment in ``requires_payment_method`` and try it.

    Answers like a create: 200 with the payment (``succeeded``, ``requires_capture`` or
    ``requires_action`` for a 3-D Secure card), 402 if this card is declined too (with
    ``payment_status`` ``requires_payment_method`` while attempts are left), 409 if the payment
    waits for no card or has no attempt left.
    """
    raw = await read_body(request, state.settings.max_body_bytes)
    key = idempotency_key(request)
    data = parse_json(raw)
    body = validate(ConfirmPayment, data)
    card = await _card(state, merchant, body)
    await service.require_owned(state, merchant, payment_id)
    lang = language(request.headers.get("accept-language"))
    update_id = derived_id("cnf", merchant, payment_id, key)
    wait = state.settings.confirm_wait_seconds + 5

    async def work() -> Answer:
        facts = await service.card_facts(state, merchant, card, lang)
        call = ops.attach_payment_method(state.client, payment_id, facts, update_id=update_id)
        view = await temporal.call(call, wait=wait)
        return service.answer_for(await service.kept(state, view), lang)

    return await idempotent(state, request, merchant, key, canonical(data), work)
