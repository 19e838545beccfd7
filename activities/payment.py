"""Processor activities. Each sends an idempotency key that is stable across retries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from payments.activity_io import (
    AuthorizeInput,
    AuthorizeResult,
    BalanceCheckInput,
    BalanceCheckResult,
    CaptureInput,
    CaptureResult,
    RefundInput,
    RefundResult,
    VoidInput,
    VoidResult,
)
from payments.errors import ErrorType
from payments.processor import ProcessorClient, ProcessorFailure
from payments.vault import CardVault, VaultError


def to_application_error(failure: ProcessorFailure) -> ApplicationError:
    """Declines and bad requests stop retries; outages and 5xx let Temporal retry."""
    return ApplicationError(
        failure.message,
        failure.code,
        failure.decline_code or "",
        type=failure.error_type.value,
        non_retryable=not failure.error_type.retryable,
    )


class PaymentActivities:
    """Activities bound to one processor client and the card vault."""

    def __init__(self, *, processor: ProcessorClient, vault: CardVault) -> None:
        """Share one HTTP client (connection pool) across all activity calls."""
        self._processor = processor
        self._vault = vault

    async def _card(self, token: str) -> dict[str, Any]:
        try:
            card = await asyncio.to_thread(self._vault.resolve, token)
        except VaultError as exc:
            raise ApplicationError(
                str(exc), "card_not_found", "", type=ErrorType.CARD_NOT_FOUND, non_retryable=True
            ) from None
        return {"number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year}

    @staticmethod
    async def _call(call: Awaitable[dict[str, Any]]) -> dict[str, Any]:
        try:
            return await call
        except ProcessorFailure as failure:
            activity.logger.info("processor refused: %s (%s)", failure.code, failure.error_type)
            raise to_application_error(failure) from None

    @activity.defn(name="check_balance")
    async def check_balance(self, req: BalanceCheckInput) -> BalanceCheckResult:
        """Ask how much the card can spend, so a prepaid card short of funds fails early."""
        card = await self._card(req.card_token)
        data = await self._call(self._processor.balance(card, req.currency.value))
        return BalanceCheckResult(available=data["available"], funding=data["funding"])

    @activity.defn(name="authorize")
    async def authorize(self, req: AuthorizeInput) -> AuthorizeResult:
        """Place a hold; the token is resolved to a card number only here, in memory."""
        card = await self._card(req.card_token)
        body = {
            "card": card,
            "amount": req.amount.amount,
            "currency": req.amount.currency.value,
            "merchant_id": req.merchant_id,
            "payment_id": req.payment_id,
            "step": "authorize",
            "hold_ttl_seconds": req.hold_ttl_seconds,
        }
        data = await self._call(self._processor.authorize(req.idempotency_key, body))
        return AuthorizeResult(
            authorization_id=data["id"], amount=data["amount"], expires_at=data["expires_at"]
        )

    @activity.defn(name="capture")
    async def capture(self, req: CaptureInput) -> CaptureResult:
        """Post part or all of the hold; the processor releases the rest."""
        body = {"amount": req.amount, "payment_id": req.payment_id, "step": "capture"}
        data = await self._call(
            self._processor.capture(req.idempotency_key, req.authorization_id, body)
        )
        return CaptureResult(capture_id=data["id"], amount=data["amount"])

    @activity.defn(name="void")
    async def void(self, req: VoidInput) -> VoidResult:
        """Release the hold (answers ``expired`` if the processor already let it lapse)."""
        body = {"payment_id": req.payment_id, "step": "void"}
        data = await self._call(
            self._processor.void(req.idempotency_key, req.authorization_id, body)
        )
        return VoidResult(status=data["status"])

    @activity.defn(name="refund")
    async def refund(self, req: RefundInput) -> RefundResult:
        """Return captured money; each refund id has its own key."""
        body = {
            "authorization_id": req.authorization_id,
            "amount": req.amount,
            "payment_id": req.payment_id,
            "step": f"refund:{req.refund_id}",
        }
        data = await self._call(self._processor.refund(req.idempotency_key, body))
        return RefundResult(processor_refund_id=data["id"], amount=data["amount"])

    def all(self) -> list[Any]:
        """Every activity, for worker registration."""
        return [self.check_balance, self.authorize, self.capture, self.void, self.refund]
