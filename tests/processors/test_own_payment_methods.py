"""A processor's own PaymentMethod (capability ``processor_payment_methods``), on every target.

Stripe (localstripe and the contract double) describes and authorizes a ``pm_...`` made with
the official SDK; the simulator, which holds none, refuses one clearly.
"""

from __future__ import annotations

import os

import pytest
import stripe

from payments.errors import ErrorType
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.models import AuthorizeRequest
from processors.protocol import PaymentMethodDescriber, Processor
from tests.processors import support as s
from tests.processors.targets import Target


def _own(ask: AuthorizeRequest, pm_id: str) -> AuthorizeRequest:
    return ask.model_copy(update={"card": None, "payment_method_id": pm_id})


def _made_at(target: Target) -> str:
    """A card PaymentMethod created at the target with the SDK, as Stripe.js would."""
    assert target.api_key_env is not None
    sdk = stripe.StripeClient(os.environ[target.api_key_env], base_addresses={"api": target.url})
    card = {"number": target.approve, "exp_month": 11, "exp_year": 2031, "cvc": "314"}
    return sdk.v1.payment_methods.create({"type": "card", "card": card}).id  # type: ignore[arg-type]


async def test_its_own_payment_method_is_described_and_authorized(
    processor: Processor, target: Target
) -> None:
    if not processor.capabilities.has(Capability.PROCESSOR_PAYMENT_METHODS):
        pytest.skip(f"{processor.kind} holds no PaymentMethods of its own")
    assert isinstance(processor, PaymentMethodDescriber)
    pm_id = _made_at(target)
    facts = await processor.describe_payment_method(pm_id)
    assert (facts.last4, facts.exp_month, facts.exp_year) == (target.approve[-4:], 11, 2031)
    auth = await processor.authorize(_own(s.authorize(target.approve, 1500), pm_id))
    assert auth.amount == 1500
    with pytest.raises(ProcessorFailure) as unknown:
        await processor.describe_payment_method("pm_NoSuchMethod0000")
    assert unknown.value.code == "resource_missing"


async def test_a_processor_without_them_refuses_one(processor: Processor) -> None:
    if processor.capabilities.has(Capability.PROCESSOR_PAYMENT_METHODS):
        pytest.skip(f"{processor.kind} takes its own PaymentMethods")
    ask = _own(s.authorize("4242424242424242"), "pm_FromSomewhereElse01")
    with pytest.raises(ProcessorFailure) as refused:
        await processor.authorize(ask)
    assert refused.value.error_type is ErrorType.INVALID_REQUEST
    assert refused.value.code == "unsupported"
