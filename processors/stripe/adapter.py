"""The Stripe connector: the ``Processor`` Protocol over Stripe's official SDK (async client)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import aiohttp
import stripe

from payments.errors import ErrorType
from payments.money import Currency
from processors.books import Effect, LedgerCheck
from processors.capabilities import Capabilities, Capability
from processors.errors import ProcessorFailure
from processors.models import (
    Authorization,
    AuthorizeRequest,
    Balance,
    BalanceRequest,
    Capture,
    CaptureRequest,
    CardCheck,
    InquiryAnswer,
    InquiryRequest,
    Operation,
    PaymentMethodFacts,
    RefundMade,
    RefundRequest,
    Release,
    RequestState,
    VerifiedCard,
    VoidRequest,
)
from processors.stripe import wire
from processors.stripe.config import quiet_sdk_logs
from processors.stripe.failures import failure_of, refund_failure
from processors.stripe.inquiry import answer, applied
from processors.stripe.lookup import Lookup
from processors.stripe.money import check_amount
from processors.stripe.three_ds import StripeAuthentication

KIND = "stripe"
CAPABILITIES = Capabilities(
    supported=frozenset(
        {
            Capability.PARTIAL_CAPTURE,
            Capability.PARTIAL_REFUND,
            Capability.MULTIPLE_REFUNDS,
            Capability.INQUIRY_BY_KEY,
            Capability.EFFECTS_REPORT,
            Capability.PROCESSOR_PAYMENT_METHODS,
            Capability.THREE_D_SECURE,
        }
    ),
    currencies=frozenset(Currency),
)
"""No balance check, ledger check or caller-chosen hold lifetime (Stripe holds 7 days). 3-D
Secure through ``redirect_to_url`` (``processors.stripe.three_ds``)."""


def _unsupported(what: str) -> ProcessorFailure:
    return ProcessorFailure(ErrorType.INVALID_REQUEST, "unsupported", f"stripe has no {what}")


class StripeProcessor(StripeAuthentication):
    """One Stripe account (or a fake of its API at ``base_url``) over a shared aiohttp session."""

    kind = KIND
    capabilities = CAPABILITIES

    def __init__(self, http: aiohttp.ClientSession, base_url: str, api_key: str) -> None:
        """Talk to Stripe's API at ``base_url`` (``https://api.stripe.com``) with ``api_key``.

        The SDK's own retries are off: Temporal retries the activity with the same key, and
        the breaker sees every failure.
        """
        quiet_sdk_logs()
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": base_url.rstrip("/")},
            http_client=stripe.AIOHTTPClient(session=http, timeout=None),
            max_network_retries=0,
        )
        self._lookup = Lookup(self._client)

    async def _call(
        self, pending: Any, failure: Callable[[stripe.StripeError], ProcessorFailure] = failure_of
    ) -> wire.Obj:
        try:
            obj = await pending
        except stripe.StripeError as exc:
            raise failure(exc) from None
        return obj if isinstance(obj, dict) else dict(obj.to_dict())

    async def verify_card(self, card: CardCheck) -> VerifiedCard:
        """A PaymentMethod, then a confirmed SetupIntent: the issuer checks the CVC there.

        Creating a PaymentMethod checks only number and expiry. A SetupIntent that still needs
        authentication (3-D Secure) verified the card; each payment authenticates on its own.
        """
        params = wire.card_params(card, card.cvc)
        pm = await self._call(self._client.v1.payment_methods.create_async(params))  # type: ignore[arg-type]
        setup = {"payment_method": pm["id"], "confirm": True, "payment_method_types": ["card"]}
        await self._call(self._client.v1.setup_intents.create_async(setup))  # type: ignore[arg-type]
        details = pm["card"]
        return VerifiedCard(
            brand=details["brand"], last4=details["last4"], funding=details["funding"]
        )

    async def balance(self, req: BalanceRequest) -> Balance:
        """Not a Stripe capability."""
        raise _unsupported("balance check")

    async def authorize(self, req: AuthorizeRequest) -> Authorization:
        """A PaymentIntent confirmed for capture, on the merchant's own PaymentMethod (``pm_...``)
        or on one created from the vault card; after 3-D Secure, the authenticated intent."""
        check_amount(req.amount, charge=True)
        if req.authentication_id is not None:
            pi = await self.authenticated_intent(req.authentication_id, req.payment_id)
        else:
            key = req.idempotency_key
            pm_id = req.payment_method_id or await self._card_method(req)
            params = wire.intent_params(req, pm_id)
            intents = self._client.v1.payment_intents
            pi = await self._call(intents.create_async(params, {"idempotency_key": key}))  # type: ignore[arg-type]
        failure = wire.not_held(pi)
        if failure is not None:
            raise failure
        return wire.authorization(pi)

    async def _card_method(self, req: AuthorizeRequest) -> str:
        assert req.card is not None, "AuthorizeRequest holds a card or a PaymentMethod id"
        options = {"idempotency_key": f"{req.idempotency_key}:pm"}
        pending = self._client.v1.payment_methods.create_async(wire.card_params(req.card), options)  # type: ignore[arg-type]
        return str((await self._call(pending))["id"])

    async def describe_payment_method(self, payment_method_id: str) -> PaymentMethodFacts:
        """Brand, last four and expiry of a card PaymentMethod of this account; an unknown id
        is ``INVALID_REQUEST`` ``resource_missing`` (as Stripe answers it)."""
        methods = self._client.v1.payment_methods
        pending = methods.retrieve_async(payment_method_id)
        return wire.method_facts(await self._call(pending, wire.missing_method))

    async def capture(self, req: CaptureRequest) -> Capture:
        """Capture ``amount``; Stripe releases the rest of the hold."""
        intents = self._client.v1.payment_intents
        params = {"amount_to_capture": req.amount}
        options = {"idempotency_key": req.idempotency_key}
        pi = await self._call(intents.capture_async(req.authorization_id, params, options))  # type: ignore[arg-type]
        return wire.captured(wire.expect(pi, "succeeded"))

    async def void(self, req: VoidRequest) -> Release:
        """Cancel the PaymentIntent."""
        intents = self._client.v1.payment_intents
        options = {"idempotency_key": req.idempotency_key}
        try:
            pi = await self._call(intents.cancel_async(req.authorization_id, {}, options))  # type: ignore[arg-type]
        except ProcessorFailure as failure:
            if failure.error_type is not ErrorType.ILLEGAL_STATE:
                raise
            # Already canceled: by Stripe when the hold lapsed (expired), or by us (voided).
            pi = await self._call(intents.retrieve_async(req.authorization_id))
            if pi.get("status") != "canceled":
                raise
        return wire.released(wire.expect(pi, "canceled"))

    async def refund(self, req: RefundRequest) -> RefundMade:
        """A Refund on the PaymentIntent, labelled with our payment, refund id and key."""
        params = {
            "payment_intent": req.authorization_id,
            "amount": req.amount,
            "metadata": {
                "payment_id": req.payment_id,
                "refund_id": req.refund_id,
                "step": "refund",
                "idempotency_key": req.idempotency_key,
            },
        }
        options = {"idempotency_key": req.idempotency_key}
        pending = self._client.v1.refunds.create_async(params, options)  # type: ignore[arg-type]
        made = await self._call(pending, refund_failure)
        return wire.refunded(made, req.refund_id)

    async def inquire(self, req: InquiryRequest) -> InquiryAnswer:
        """Look the PaymentIntent (or Refund) up by metadata; never re-send to find out."""
        pi = await self._call(self._lookup.intent(req.payment_id))
        if not pi:
            return InquiryAnswer(state=RequestState.NEVER_RECEIVED)
        if req.operation is Operation.REFUND:
            found = await self._call(self._lookup.refund(pi, req.idempotency_key))
            if not found:
                return InquiryAnswer(state=RequestState.NEVER_RECEIVED)
            refund_id = found["metadata"]["refund_id"]
            return applied(wire.refunded(found, refund_id))
        return answer(req.operation, pi)

    async def effects_since(self, since: datetime) -> list[Effect]:
        """PaymentIntents and Refunds created since ``since`` that carry our payment ids."""
        effects: list[Effect] = []
        async for pi in self._guard(self._lookup.intents_since(since)):
            effects.extend(e for e in wire.intent_effects(pi) if e.at >= since)
        async for refund in self._guard(self._lookup.refunds_since(since)):
            effects.append(wire.refund_effect(refund))
        return sorted(effects, key=lambda e: e.at)

    async def _guard(self, items: AsyncIterator[wire.Obj]) -> AsyncIterator[wire.Obj]:
        try:
            async for item in items:
                yield item
        except stripe.StripeError as exc:
            raise failure_of(exc) from None

    async def ledger_check(self) -> LedgerCheck:
        """Not a Stripe capability."""
        raise _unsupported("ledger check")
