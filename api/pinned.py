"""Payments on a processor's own PaymentMethod (Stripe ``pm_...``): checked, then described.

Such a payment is pinned to that processor (it exists nowhere else) and never fails over. It is
told apart from our vault's tokens (also ``pm_...``) by its field, never by the string's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.deps import AppState
from api.errors import InvalidRequest, Unavailable
from api.schemas import ProcessorPaymentMethodIn
from payments.errors import ErrorType
from payments.models import CardFacts
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.protocol import PaymentMethodDescriber

PARAM = "processor_payment_method"
_ID = re.compile(r"^pm_[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class PinnedMethod:
    """A checked processor PaymentMethod: the processor's configured name and the id."""

    processor: str
    id: str


def check(state: AppState, given: ProcessorPaymentMethodIn) -> PinnedMethod:
    """The processor is configured here and takes its own PaymentMethods (no network).

    Raises:
        InvalidRequest: No such processor, one that cannot (kind ``simulator``), or a bad id.
    """
    found = state.tokenizer.named.get(given.processor)
    if found is None:
        raise InvalidRequest(
            "no processor of that name is configured",
            code="processor_unknown",
            param=f"{PARAM}[processor]",
        )
    if not found.capabilities.has(Capability.PROCESSOR_PAYMENT_METHODS) or not isinstance(
        found, PaymentMethodDescriber
    ):
        raise InvalidRequest(
            f"processor {given.processor} holds no PaymentMethods of its own (kind {found.kind}); "
            "only a processor of kind stripe does",
            code="processor_payment_method_unsupported",
            param=f"{PARAM}[processor]",
        )
    if not _ID.match(given.id):
        raise InvalidRequest(
            "a PaymentMethod id is pm_ and letters, digits or _",
            code="parameter_invalid",
            param=f"{PARAM}[id]",
        )
    return PinnedMethod(given.processor, given.id)


async def facts(state: AppState, pinned: PinnedMethod) -> CardFacts:
    """The card's display facts as the processor tells them (no vault token: it is not ours).

    Raises:
        InvalidRequest: The processor knows no such PaymentMethod (``resource_missing``), or it
            is not a card.
        Unavailable: The processor did not answer.
    """
    describer = state.tokenizer.named[pinned.processor]
    assert isinstance(describer, PaymentMethodDescriber), "checked by check()"
    try:
        pm = await describer.describe_payment_method(pinned.id)
    except ProcessorFailure as failure:
        raise _refusal(failure) from None
    return CardFacts(brand=pm.brand, last4=pm.last4, exp_month=pm.exp_month, exp_year=pm.exp_year)


def _refusal(failure: ProcessorFailure) -> InvalidRequest | Unavailable:
    if failure.error_type is not ErrorType.INVALID_REQUEST:
        return Unavailable(
            "the card processor is unreachable; nothing was charged, retry later",
            code="processor_unavailable",
            headers={"Retry-After": "1"},
        )
    if failure.code == "resource_missing":
        return InvalidRequest(
            "no such PaymentMethod at that processor", code="resource_missing", param=f"{PARAM}[id]"
        )
    message = "that PaymentMethod cannot pay a card payment"
    return InvalidRequest(message, code="parameter_invalid", param=f"{PARAM}[id]")
