"""``/v1/payments/{id}/capture|cancel|refunds``: idempotent through ids derived from the key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import service, temporal
from api.answers import Answer, idempotent, ok
from api.body import canonical, parse_json, read_body, validate
from api.deps import AppState, Merchant, State, idempotency_key
from api.docs import body_doc, error_responses
from api.routes.payments import AcceptLanguage, IdempotencyKey
from api.schemas import CancelPayment, CapturePayment, CreateRefund, PaymentOut, RefundOut
from api.temporal import derived_id
from api.views import language, payment_out, refund_out
from facade import operations as ops
from payments.cards import reject_card_like
from payments.models import PaymentView, RefundRequest

router = APIRouter(prefix="/v1/payments/{payment_id}", tags=["payments"])
_ERRORS = error_responses(400, 401, 404, 409, 413, 422, 429, 503)


async def _read(request: Request, state: AppState) -> tuple[str, dict[str, object]]:
    raw = await read_body(request, state.settings.max_body_bytes)
    return idempotency_key(request), parse_json(raw)


async def _update_once(
    request: Request,
    state: AppState,
    merchant: str,
    payment_id: str,
    key: str,
    data: dict[str, object],
    prefix: str,
    send: Callable[[str], Awaitable[PaymentView]],
) -> Response:
    """Check ownership, then ``send`` the update under an id derived from the idempotency key.

    A retried request attaches to the same workflow update; the answer is the payment's view.
    """
    await service.require_owned(state, merchant, payment_id)
    lang = language(request.headers.get("accept-language"))
    update_id = derived_id(prefix, merchant, payment_id, key)

    async def work() -> Answer:
        view = await temporal.call(send(update_id), wait=state.settings.operation_wait_seconds)
        return ok(payment_out(await service.kept(state, view), lang))

    return await idempotent(state, request, merchant, key, canonical(data), work)


@router.post(
    "/capture",
    response_model=PaymentOut,
    responses=_ERRORS,
    openapi_extra=body_doc(CapturePayment),
)
async def capture(
    payment_id: str,
    request: Request,
    state: State,
    merchant: Merchant,
    _key: IdempotencyKey = None,
    _lang: AcceptLanguage = None,
) -> Response:
    """Capture all of an authorized payment, or ``amount`` of it (the rest is released)."""
    key, data = await _read(request, state)
    body = validate(CapturePayment, data)

    def send(update_id: str) -> Awaitable[PaymentView]:
        return ops.capture(state.client, payment_id, body.amount, update_id=update_id)

    return await _update_once(request, state, merchant, payment_id, key, data, "cap", send)


@router.post(
    "/cancel", response_model=PaymentOut, responses=_ERRORS, openapi_extra=body_doc(CancelPayment)
)
async def cancel(
    payment_id: str,
    request: Request,
    state: State,
    merchant: Merchant,
    _key: IdempotencyKey = None,
    _lang: AcceptLanguage = None,
) -> Response:
    """Void an authorized payment; the hold on the customer's card is released."""
    key, data = await _read(request, state)
    body = validate(CancelPayment, data)
    reject_card_like(body.reason, param="reason")

    def send(update_id: str) -> Awaitable[PaymentView]:
        return ops.cancel(state.client, payment_id, body.reason, update_id=update_id)

    return await _update_once(request, state, merchant, payment_id, key, data, "can", send)


@router.post(
    "/refunds", response_model=RefundOut, responses=_ERRORS, openapi_extra=body_doc(CreateRefund)
)
async def refund(
    payment_id: str,
    request: Request,
    state: State,
    merchant: Merchant,
    _key: IdempotencyKey = None,
) -> Response:
    """Refund all that is left of a captured payment, or ``amount`` of it.

    Concurrent refunds never exceed what was captured: the payment's workflow (while it runs)
    or the refund ledger (once it closed) reserves each amount.
    """
    key, data = await _read(request, state)
    body = validate(CreateRefund, data)
    reject_card_like(body.reason, param="reason")
    currency = await service.require_owned(state, merchant, payment_id)
    refund_id = derived_id("re", merchant, payment_id, key)
    req = RefundRequest(refund_id=refund_id, amount=body.amount, reason=body.reason)

    async def work() -> Answer:
        call = ops.refund(state.client, payment_id, req, ledger=state.refunds)
        made = await temporal.call(call, wait=state.settings.operation_wait_seconds)
        return ok(refund_out(payment_id, currency, made))

    return await idempotent(state, request, merchant, key, canonical(data), work)
