"""What the hosted page shows, and what a submitted card does.

The session's one payment (its id derives from the session) is started by the first card, with
``retry_on_decline``; after a decline the next card goes to the same payment through the same
Update that ``POST /v1/payments/{id}/confirm`` sends. Every answer is rendered from the
payment as the workflow reports it, never from what the browser said.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse, Response

from api import service, temporal
from api.checkout import sessions
from api.checkout.form import TEXT_OF_PARAM, CardForm, card
from api.checkout.html import Screen, render
from api.checkout.texts import text
from api.deps import AppState
from api.errors import ApiError
from api.errors import NotFound as UnknownUrl
from api.schemas import ApiStatus, CreatePayment
from facade import operations as ops
from payments.cards import CardInvalid, ValidCard
from payments.errors import NotFound, PaymentError
from payments.models import PaymentView
from payments.public import Language, failure_out, next_action, public_status
from payments.status import PaymentEvent, PaymentStatus
from stores.checkout import SessionRow

# More submits than any honest customer makes: each one may ask a processor to verify a card,
# so a leaked page must not become a card-testing tool.
MAX_SUBMITS = 10
PAID = (ApiStatus.SUCCEEDED, ApiStatus.REQUIRES_CAPTURE, ApiStatus.PARTIALLY_REFUNDED,
         ApiStatus.REFUNDED)  # fmt: skip


async def payment_of(
    state: AppState, session: SessionRow, *, force: bool = False
) -> PaymentView | None:
    """The session's payment, or None while no card has started it."""
    if session.started_us is None and not force:
        return None
    call = service.reader(state).read(session.payment_id)
    try:
        return await temporal.call(call, wait=state.settings.temporal_rpc_timeout_seconds)
    except (NotFound, UnknownUrl):
        return None


def next_attempt(view: PaymentView | None) -> int:
    """Which card of the payment the next one is: one more than the cards declined so far."""
    if view is None:
        return 1
    declined = PaymentEvent.REQUIRES_PAYMENT_METHOD
    return 1 + sum(1 for t in view.transitions if t.event is declined)


async def show(
    state: AppState, session: SessionRow, lang: Language, *, note: str | None = None,
    status: int = 200,
) -> Response:  # fmt: skip
    """The page as the session's payment stands now (``note``: a problem with the last form)."""
    view = await payment_of(state, session)
    return await answer(state, session, view, lang, note=note, status=status)


async def answer(
    state: AppState, session: SessionRow, view: PaymentView | None, lang: Language, *,
    note: str | None = None, status: int = 200, redirect: bool = False,
) -> Response:  # fmt: skip
    """The page (or the redirect) for the payment ``view``; ``redirect`` sends the customer
    straight to a 3-D Secure challenge (after a submit, not on a reload)."""
    if view is None:
        if not sessions.is_open(session):
            return render(session, lang, Screen(message=text(lang, "expired")))
        return render(session, lang, Screen(message=note, attempt=1, status=status))
    shown = public_status(view.status, view.capture_method)
    if shown in PAID:
        await state.checkout.complete(session.id, datetime.now(UTC))
        glue = "&" if "?" in session.success_url else "?"
        target = session.success_url + glue + urlencode({"session_id": session.id})
        return RedirectResponse(target, 303)
    action = next_action(view)
    if action is not None:
        url = action.redirect_to_url.url
        if redirect:
            return RedirectResponse(url, 303)
        link = (url, text(lang, "continue"))
        return render(session, lang, Screen(message=text(lang, "action"), info=True, link=link))
    if shown is ApiStatus.PROCESSING:
        words = text(lang, "processing")
        return render(session, lang, Screen(message=words, info=True, refresh=True))
    return render(session, lang, _declined(session, view, lang, note, status))


def _declined(
    session: SessionRow, view: PaymentView, lang: Language, note: str | None, status: int
) -> Screen:
    """A decline's words: with the form while another card may follow, else the end."""
    is_open = sessions.is_open(session)
    failure = failure_out(view, lang)
    waiting = view.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    if waiting and is_open and failure is not None:
        step = text(lang, failure.next_step)
        return Screen(message=note or failure.customer_message, next_step=step,
                      attempt=next_attempt(view), status=status)  # fmt: skip
    if waiting or failure is None:
        return Screen(message=text(lang, "closed" if is_open else "expired"))
    return Screen(message=failure.customer_message)


async def submit(
    state: AppState, session: SessionRow, form: CardForm, lang: Language, base_url: str
) -> Response:
    """Pay with the submitted card: start the payment, or try the card on it after a decline."""
    if not sessions.is_open(session):
        return await show(state, session, lang)
    if not hmac.compare_digest(form.csrf.encode(), session.csrf_token.encode()):
        return await show(state, session, lang, note=text(lang, "stale_form"), status=403)
    if await state.checkout.count_submit(session.id) > MAX_SUBMITS:
        return render(session, lang, Screen(message=text(lang, "too_many"), status=429))
    try:
        valid = card(form)
    except CardInvalid as exc:
        words = text(lang, TEXT_OF_PARAM.get(exc.param or "", "bad_number"))
        return await show(state, session, lang, note=words, status=400)
    view = await payment_of(state, session)
    waiting = view is None or view.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    if not waiting or form.attempt != next_attempt(view):
        # A second click, or a page from before the last card: never a second attempt.
        return await answer(state, session, view, lang, note=text(lang, "stale_form"), status=409)
    try:
        await _pay(state, session, view, valid, form.attempt, lang, base_url)
    except ApiError as exc:
        if exc.extra.get("payment_id") is None and exc.code != "outcome_unknown":
            words = exc.extra.get("customer_message") or text(lang, "unavailable")
            return await show(state, session, lang, note=str(words), status=exc.status)
    except PaymentError:
        return await show(state, session, lang, note=text(lang, "refused"), status=409)
    view = await payment_of(state, session, force=True)
    return await answer(state, session, view, lang, redirect=True)


async def _pay(
    state: AppState, session: SessionRow, view: PaymentView | None, valid: ValidCard,
    attempt: int, lang: Language, base_url: str,
) -> None:  # fmt: skip
    merchant, payment_id = session.merchant_id, session.payment_id
    if view is None:
        await state.checkout.start(session.id, datetime.now(UTC))
        body = CreatePayment.model_validate({
            "amount": session.amount, "currency": session.currency,
            "description": session.description, "retry_on_decline": True,
            "return_url": sessions.page_url(base_url, session.id),
        })  # fmt: skip
        await service.create(state, merchant, payment_id, body, valid, lang, base_url)
        return
    facts = await service.card_facts(state, merchant, valid, lang)
    update_id = temporal.derived_id("cnf", merchant, payment_id, "checkout", str(attempt))
    call = ops.attach_payment_method(state.client, payment_id, facts, update_id=update_id)
    await service.kept(
        state, await temporal.call(call, wait=state.settings.confirm_wait_seconds + 5)
    )
