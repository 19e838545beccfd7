"""``/v1/webhook_endpoints``: where a merchant's signed events go."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.answers import Answer, idempotent, ok
from api.body import canonical, parse_json, read_body, validate
from api.deps import Merchant, State, idempotency_key
from api.docs import body_doc, error_responses
from api.errors import InvalidRequest
from api.routes.payments import IdempotencyKey
from api.schemas import CreateWebhookEndpoint, WebhookEndpointOut
from payments.webhook_urls import TargetRefused, check_url

router = APIRouter(prefix="/v1/webhook_endpoints", tags=["webhooks"])


@router.post(
    "",
    response_model=WebhookEndpointOut,
    responses=error_responses(400, 401, 413, 422, 429),
    openapi_extra=body_doc(CreateWebhookEndpoint),
)
async def create_endpoint(
    request: Request, state: State, merchant: Merchant, _key: IdempotencyKey = None
) -> Response:
    """Register (or replace) the endpoint; the answer shows its signing secret once.

    The URL must be http(s) to a public host: no credentials, no loopback, private or
    link-local address (deliveries come from inside the payment network; see the README).

    Payments created afterwards send an event on every transition, signed with
    ``Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``.
    A replay of this request answers with ``secret`` null: secrets are never saved.
    """
    raw = await read_body(request, state.settings.max_body_bytes)
    key = idempotency_key(request)
    data = parse_json(raw)
    body = validate(CreateWebhookEndpoint, data)
    try:
        check_url(body.url, allow_private=state.settings.webhook_allow_private_targets)
    except TargetRefused as refused:
        raise InvalidRequest(str(refused), code="parameter_invalid", param="url") from None

    async def work() -> Answer:
        secret = await state.merchants.set_webhook(merchant, body.url)
        shown = WebhookEndpointOut(url=body.url, secret=secret)
        return ok(shown, stored=WebhookEndpointOut(url=body.url, secret=None))

    return await idempotent(state, request, merchant, key, canonical(data), work)
