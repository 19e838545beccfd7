"""``/v1/payments``: create and confirm, read, list, and the transition history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from api import listing, saved_cards, service
from api.answers import idempotent
from api.body import canonical, parse_json, read_body, validate
from api.deps import Merchant, State, idempotency_key
from api.docs import PROCESSING, body_doc, error_responses
from api.schemas import ApiStatus, CreatePayment, EventList, PaymentList, PaymentOut
from api.temporal import derived_id
from api.views import events_out, language, payment_out

router = APIRouter(prefix="/v1/payments", tags=["payments"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language")]


def json_response(body: bytes, status: int = 200) -> Response:
    """A JSON response from bytes already rendered."""
    return Response(body, status, media_type="application/json")


@router.post(
    "",
    response_model=PaymentOut,
    responses={**PROCESSING, **error_responses(400, 401, 402, 409, 413, 422, 429, 503)},
    openapi_extra=body_doc(CreatePayment),
)
async def create_payment(
    request: Request,
    state: State,
    merchant: Merchant,
    _key: IdempotencyKey = None,
    _lang: AcceptLanguage = None,
) -> Response:
    """Create and confirm a payment; answers once the authorization has a result.

    202 with status ``processing`` if no result came in time (a slow processor, no worker): poll
    the payment or retry with the same key; 402 with the failure (and ``payment_id``) if the card
    is declined; 200 with status ``requires_action`` and ``next_action`` when the card's issuer
    asks for a 3-D Secure challenge (send the customer to ``next_action.redirect_to_url.url``).
    """
    raw = await read_body(request, state.settings.max_body_bytes)
    key = idempotency_key(request)
    data = parse_json(raw)
    body = validate(CreatePayment, data)
    card = await service.check_create(state, merchant, body)
    saving = await saved_cards.check(state, merchant, body)
    lang = language(request.headers.get("accept-language"))
    payment_id = derived_id("pay", merchant, key)
    return await idempotent(
        state,
        request,
        merchant,
        key,
        # "usd" and "USD" are one request: fingerprint the canonical code.
        canonical({**data, "currency": body.currency.value}),
        lambda: saved_cards.create(
            state, merchant, payment_id, body, card, lang, saving, str(request.base_url)
        ),
    )


@router.get("", response_model=PaymentList, responses=error_responses(400, 401, 429, 503))
async def list_payments(
    state: State,
    merchant: Merchant,
    status: ApiStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    page: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response:
    """This merchant's payments, strictly newest first (the API's index and read model)."""
    result = await listing.page_of(state, merchant, status=status, limit=limit, page=page)
    return json_response(result.model_dump_json().encode())


@router.get("/{payment_id}", response_model=PaymentOut, responses=error_responses(401, 404, 503))
async def get_payment(
    payment_id: str,
    state: State,
    merchant: Merchant,
    request: Request,
    _lang: AcceptLanguage = None,
) -> Response:
    """One payment; ``Accept-Language`` (en, zh) picks the customer message's language."""
    found = await service.view(state, merchant, payment_id)
    out = payment_out(found, language(request.headers.get("accept-language")))
    return json_response(out.model_dump_json().encode())


@router.get(
    "/{payment_id}/events", response_model=EventList, responses=error_responses(401, 404, 503)
)
async def payment_events(payment_id: str, state: State, merchant: Merchant) -> Response:
    """Every transition of one payment, oldest first."""
    found = await service.view(state, merchant, payment_id)
    return json_response(EventList(data=events_out(found)).model_dump_json().encode())
