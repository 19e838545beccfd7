"""Payment operations for one merchant, on the application's Temporal client."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api import pinned, temporal
from api.answers import Answer, ok
from api.deps import AppState
from api.errors import IdempotencyReused, InvalidRequest, NotFound, Unavailable
from api.pinned import PinnedMethod
from api.schemas import ApiStatus, CardIn, CreatePayment, CustomerIn
from api.views import Language, failure_error, payment_out, refund_out
from facade import operations as ops
from facade.reads import Reader
from infra import tracing
from payments import search_attributes as sa
from payments.authentication import AuthenticationUrls
from payments.cards import (
    CardInvalid,
    RawCard,
    ValidCard,
    brand_of,
    reject_card_like,
    validate_card,
)
from payments.models import CardFacts, Customer, PaymentOptions, PaymentRequest, PaymentView
from payments.money import Money
from payments.public import failure_for
from payments.webhook_urls import TargetRefused, check_url
from processors.errors import ProcessorFailure
from processors.tokenize import CardRefused
from stores.vault import VaultError
from workflows.payment import PaymentWorkflow

# A live worker answers a query in milliseconds; without one it never does. So a create answers
# within confirm_wait_seconds + QUERY_GRACE_SECONDS (plus one describe) - 202 ``processing`` if
# no result came by then.
QUERY_GRACE_SECONDS = 2.0
_CARD_SOURCES = ("card", "payment_method", "processor_payment_method")


async def check_create(
    state: AppState, merchant: str, body: CreatePayment
) -> ValidCard | CardFacts | PinnedMethod:
    """Every check that needs no network, before the key is claimed; returns the card.

    Raises:
        InvalidRequest: A rule the schema cannot express is broken.
    """
    reject_card_like(body.description, param="description")
    if body.return_url is not None:
        try:
            check_url(body.return_url, allow_private=True)
        except TargetRefused as refused:
            raise InvalidRequest(str(refused), code="parameter_invalid",
                                 param="return_url") from None  # fmt: skip
    for key, value in body.metadata.items():
        reject_card_like(key, param="metadata")
        reject_card_like(value, param=f"metadata[{key}]")
    given = [n for n in _CARD_SOURCES if getattr(body, n) is not None]
    if not given:
        raise InvalidRequest("card, payment_method or processor_payment_method is required",
                             code="parameter_missing", param="card")  # fmt: skip
    if len(given) > 1:
        raise InvalidRequest(f"give one of {', '.join(_CARD_SOURCES)}, not several",
                             code="parameter_invalid", param=given[-1])  # fmt: skip
    if body.processor_payment_method is not None:
        return pinned.check(state, body.processor_payment_method)
    if body.card is not None:
        return valid_card(body.card)
    return await stored_card(state, merchant, str(body.payment_method))


def valid_card(c: CardIn) -> ValidCard:
    """A raw card that passed every local check (number, expiry, CVC length).

    Raises:
        InvalidRequest: With the card's failing field as ``param``.
    """
    raw = RawCard(c.number, c.exp_month, c.exp_year, c.cvc)
    try:
        return validate_card(raw, today=datetime.now(UTC).date())
    except CardInvalid as exc:
        raise InvalidRequest(exc.message, code=exc.code, param=f"card[{exc.param}]") from None


async def stored_card(state: AppState, merchant: str, token: str) -> CardFacts:
    """The facts of ``merchant``'s vault card ``token``.

    Raises:
        InvalidRequest: ``resource_missing`` for an unknown token or another merchant's.
    """
    # Another merchant's token gets the unknown-token answer: its existence is not revealed.
    try:
        stored = await state.vault.resolve(token, merchant)
        return CardFacts(
            token=token,
            brand=brand_of(stored.number),
            last4=stored.number[-4:],
            exp_month=stored.exp_month,
            exp_year=stored.exp_year,
        )
    except (VaultError, ValueError):
        raise InvalidRequest(
            "no such payment method", code="resource_missing", param="payment_method"
        ) from None


async def card_facts(
    state: AppState, merchant: str, card: ValidCard | CardFacts | PinnedMethod, lang: Language
) -> CardFacts:
    """A vault token of ``merchant``'s for a raw card (CVC checked once with the processor);
    for a processor's own PaymentMethod, its facts as that processor tells them.

    Raises:
        CardDeclined: The processor refused the card; with the customer's words in ``lang``.
        Unavailable: No processor answered.
    """
    if isinstance(card, CardFacts):
        return card
    if isinstance(card, PinnedMethod):
        return await pinned.facts(state, card)
    try:
        return await state.tokenizer.tokenize(card, merchant_id=merchant)
    except CardRefused as refused:
        failure = failure_for(refused.decline_code, declined=True, lang=lang)
        raise failure_error(failure, None) from None
    except ProcessorFailure:
        raise Unavailable(
            "the card processor is unreachable; nothing was charged, retry later",
            code="processor_unavailable",
            headers={"Retry-After": "1"},
        ) from None


async def create(
    state: AppState,
    merchant: str,
    payment_id: str,
    body: CreatePayment,
    card: ValidCard | CardFacts | PinnedMethod,
    lang: Language,
    base_url: str = "",
) -> Answer:
    """Tokenize, start (or join) the payment's workflow and answer with its outcome; a 3-D
    Secure challenge brings the customer back to ``base_url``'s challenge return page."""
    tracing.tag_payment(payment_id)
    s = state.settings
    facts = await card_facts(state, merchant, card, lang)
    hook = await state.merchants.webhook(merchant)
    # Indexed before the start, so the list has it; a retry keeps the first acceptance time.
    created = await state.index.accept(
        merchant, payment_id, datetime.now(UTC), body.amount, body.currency
    )
    customer = body.customer if isinstance(body.customer, CustomerIn) else None  # saved_cards
    req = PaymentRequest(
        payment_id=payment_id,
        merchant_id=merchant,
        amount=Money(amount=body.amount, currency=body.currency),
        capture_method=body.capture_method,
        card=facts,
        customer=Customer(id=customer.id, email=customer.email) if customer else None,
        description=body.description,
        metadata=body.metadata,
        notify=hook is not None,
        options=PaymentOptions(
            authorization_ttl_seconds=s.authorization_ttl_seconds,
            refund_window_seconds=s.refund_window_seconds,
            authentication_timeout_seconds=s.authentication_timeout_seconds,
            max_payment_attempts=s.max_payment_attempts,
            payment_method_timeout_seconds=s.payment_method_timeout_seconds,
        ),
        retry_on_decline=body.retry_on_decline,
        authentication=challenge_urls(base_url, payment_id, body.return_url),
        created_at=created,
        pinned_processor=card.processor if isinstance(card, PinnedMethod) else None,
        processors=s.processor_order(),
        processor_payment_method=card.id if isinstance(card, PinnedMethod) else None,
    )
    view = await temporal.call(_start(state, req), wait=s.confirm_wait_seconds + 5)
    if (view.merchant_id, view.amount, view.currency) != (merchant, body.amount, body.currency):
        # Only if the key store was lost and the key reused for another payment.
        raise IdempotencyReused("this Idempotency-Key was used for a different payment")
    return answer_for(await kept(state, view), lang)


def challenge_urls(base_url: str, payment_id: str, return_url: str | None) -> AuthenticationUrls:
    """The API's return page for this payment's challenge, and the merchant's page after it."""
    callback = f"{base_url.rstrip('/')}/v1/payments/{payment_id}/challenge_return"
    return AuthenticationUrls(callback_url=callback, return_url=return_url)


async def _start(state: AppState, req: PaymentRequest) -> PaymentView:
    wait = state.settings.confirm_wait_seconds
    try:
        start = ops.start_payment(
            state.client,
            req,
            task_queue=state.settings.task_queue,
            wait_seconds=wait,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        # After ``wait`` start_payment queries the payment; only a live worker answers that.
        return await asyncio.wait_for(start, timeout=wait + QUERY_GRACE_SECONDS)
    except WorkflowAlreadyStartedError:
        # The payment for this key already ran to its end: answer with it (no worker needed).
        return await reader(state).read(req.payment_id)
    except TimeoutError:
        return await temporal.accepted_view(state.client, req)


def answer_for(view: PaymentView, lang: Language) -> Answer:
    """200 with the payment, 202 while processing; if it failed, 402 for a decline, or 503 when
    no processor could be reached (not the card's fault)."""
    out = payment_out(view, lang)
    if out.status is ApiStatus.FAILED and out.failure is not None:
        raise failure_error(out.failure, out.id)
    if out.status is ApiStatus.REQUIRES_PAYMENT_METHOD and out.failure is not None:
        raise failure_error(out.failure, out.id, status=out.status)
    return ok(out, 202 if out.status is ApiStatus.PROCESSING else 200)


def reader(state: AppState) -> Reader:
    """The API's reads: its read model in the payment index, then Temporal (``facade.reads``),
    joined with the refund ledger's refunds of closed payments."""
    return Reader(state.client, state.index, refunds=state.refunds)


async def kept(state: AppState, view: PaymentView) -> PaymentView:
    """``view``, after keeping it as the payment's latest known view (unless one is newer)."""
    await reader(state).keep(view)
    return view


async def view(state: AppState, merchant: str, payment_id: str) -> PaymentView:
    """The merchant's payment; another merchant's answers 404 exactly like an unknown id.

    Needs no worker: see ``facade.reads`` (a finished payment costs no billable action).
    """
    tracing.tag_payment(payment_id)
    if not temporal.PAYMENT_ID.match(payment_id):
        raise NotFound("no such payment")
    # The query inside is bounded on its own; this bounds the describe and the result.
    wait = state.settings.temporal_rpc_timeout_seconds + reader(state).query_seconds
    found = await temporal.call(reader(state).read(payment_id), wait=wait)
    if found.merchant_id != merchant:
        raise NotFound("no such payment")
    return found


async def require_owned(state: AppState, merchant: str, payment_id: str) -> str:
    """404 unless ``payment_id`` is one of this merchant's payments; returns its currency."""
    tracing.tag_payment(payment_id)
    if not temporal.PAYMENT_ID.match(payment_id):
        raise NotFound("no such payment")
    handle = state.client.get_workflow_handle(payment_id)
    desc = await temporal.call(handle.describe(), wait=state.settings.temporal_rpc_timeout_seconds)
    owner = desc.typed_search_attributes.get(sa.PAYMENT_MERCHANT)
    if desc.workflow_type != PaymentWorkflow.__name__ or owner != merchant:
        raise NotFound("no such payment")
    return desc.typed_search_attributes.get(sa.PAYMENT_CURRENCY) or ""


__all__ = [
    "answer_for",
    "check_create",
    "create",
    "kept",
    "reader",
    "refund_out",
    "require_owned",
    "view",
]
