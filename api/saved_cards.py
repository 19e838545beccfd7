"""Payments with saved customers: ``customer`` as a ``cus_`` id, ``save_payment_method``, and
paying with a saved card (``payment_method``) that was not detached.

The checks read the customer store uncached: a card detached on one API host cannot pay on
another a moment later. ``api.service`` does the payment itself; this module only wraps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from api import service
from api.answers import Answer
from api.deps import AppState
from api.errors import InvalidRequest
from api.pinned import PinnedMethod
from api.schemas import CreatePayment, CustomerIn, PaymentOut
from api.views import Language
from payments.cards import ValidCard
from payments.models import CardFacts
from stores.customers import Customer, SavedCard, now_us


@dataclass(frozen=True, slots=True)
class Saving:
    """What a payment does with the customer store."""

    customer: Customer | None
    """The saved customer that ``customer`` names, if it names one."""
    save: bool
    """Attach the new card to ``customer`` unless the payment fails."""


def _missing(message: str, param: str) -> InvalidRequest:
    # The answer a made-up id gets: another merchant's customer or card is not revealed.
    return InvalidRequest(message, code="resource_missing", param=param)


async def check(state: AppState, merchant: str, body: CreatePayment) -> Saving:
    """The customer rules, before the Idempotency-Key is claimed.

    Raises:
        InvalidRequest: ``save_payment_method`` without ``card`` and a ``cus_`` customer; an
            unknown (or another merchant's) customer; a detached card, or one saved to
            another customer than ``customer``.
    """
    named = body.customer if isinstance(body.customer, str) else None
    if body.save_payment_method and (body.card is None or named is None):
        raise InvalidRequest("save_payment_method needs card and a customer id (cus_...)",
                             code="parameter_invalid", param="save_payment_method")  # fmt: skip
    found = await state.customers.get(merchant, named) if named is not None else None
    if named is not None and found is None:
        raise _missing("no such customer", "customer")
    if body.payment_method is not None:
        saved = await state.customers.token_state(merchant, body.payment_method)
        owner = None if saved is None or saved.revoked else saved.customer_id
        if (saved is not None and saved.revoked) or (named is not None and owner != named):
            raise _missing("no such payment method", "payment_method")
    return Saving(found, body.save_payment_method)


async def create(
    state: AppState,
    merchant: str,
    payment_id: str,
    body: CreatePayment,
    card: ValidCard | CardFacts | PinnedMethod,
    lang: Language,
    saving: Saving,
    base_url: str = "",
) -> Answer:
    """``service.create``, paid by the saved customer; then, unless it failed (a decline raises),
    the new card saved to that customer."""
    customer = saving.customer
    if customer is not None:
        payer = CustomerIn(id=customer.id, email=customer.details.email)
        body = body.model_copy(update={"customer": payer})
    answer = await service.create(state, merchant, payment_id, body, card, lang, base_url)
    if customer is not None and saving.save:
        out = PaymentOut.model_validate_json(answer.body)
        if out.payment_method is not None:
            c = out.card
            saved = SavedCard(out.payment_method, customer.id, c.brand, c.last4,
                              c.exp_month, c.exp_year, now_us())  # fmt: skip
            await state.customers.attach(merchant, saved)
    return answer
