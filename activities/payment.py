"""Processor activities. Each sends an idempotency key that is stable across retries.

A retried money-moving activity first asks the processor what became of its key, so a lost
answer is found instead of being guessed at.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from infra import metrics
from payments.activity_io import (
    AuthorizeInput,
    AuthorizeResult,
    BalanceCheckInput,
    BalanceCheckResult,
    CaptureInput,
    CaptureResult,
    InquireInput,
    Inquiry,
    RefundInput,
    RefundResult,
    RouteResult,
    VoidInput,
    VoidResult,
)
from payments.errors import ErrorType
from payments.processor import ProcessorClient, ProcessorFailure, failure_from
from payments.routing import ProcessorBoard
from stores.vault import CardVault, VaultError

JSON = dict[str, Any]


def to_application_error(failure: ProcessorFailure) -> ApplicationError:
    """Declines and bad requests stop retries; outages, 5xx and lost answers let Temporal retry."""
    return ApplicationError(
        failure.message,
        failure.code,
        failure.decline_code or "",
        type=failure.error_type.value,
        non_retryable=not failure.error_type.retryable,
    )


def _observe(processor: str, started: float, failure: ProcessorFailure | None) -> None:
    """Latency per step and processor; authorization outcomes and decline codes."""
    step = activity.info().activity_type
    outcome = "ok" if failure is None else "error" if failure.error_type.retryable else "declined"
    metrics.STEP_SECONDS.labels(step=step, processor=processor, outcome=outcome).observe(
        time.monotonic() - started
    )
    if step == "authorize":
        approved = "approved" if outcome == "ok" else outcome
        metrics.AUTHORIZATIONS.labels(processor=processor, outcome=approved).inc()
    if failure is not None and outcome == "declined":
        code = failure.decline_code or failure.code
        metrics.DECLINES.labels(processor=processor, code=code).inc()


class PaymentActivities:
    """Activities over several processors, their breakers and rate limits, and the card vault."""

    def __init__(
        self, *, processors: dict[str, ProcessorClient], board: ProcessorBoard, vault: CardVault
    ) -> None:
        """Share pooled HTTP clients and one breaker board across all activity calls."""
        self._processors = processors
        self._board = board
        self._vault = vault

    async def _card(self, token: str, merchant_id: str | None) -> JSON:
        """The card for ``token``, if it is ``merchant_id``'s (defence in depth: the API checks
        first). Tokens from before owners existed still resolve, so payments running at the
        upgrade finish. ``None`` only for the balance check, whose input names no merchant."""
        try:
            if merchant_id is None:
                card = await asyncio.to_thread(self._vault.resolve_any_owner, token)
            else:
                card = await asyncio.to_thread(
                    self._vault.resolve, token, merchant_id, allow_unowned=True
                )
        except VaultError as exc:
            raise ApplicationError(
                str(exc), "card_not_found", "", type=ErrorType.CARD_NOT_FOUND, non_retryable=True
            ) from None
        return {"number": card.number, "exp_month": card.exp_month, "exp_year": card.exp_year}

    async def _call(
        self,
        name: str,
        call: Callable[[ProcessorClient], Awaitable[JSON]],
        *,
        may_fail_over: bool = False,
    ) -> JSON:
        """One rate-limited call; its outcome feeds the processor's breaker.

        Before an authorization exists (``may_fail_over``), an open breaker refuses at once so
        the payment moves to a healthy processor instead of waiting on this one.
        """
        breaker = self._board.breakers[name]
        if may_fail_over and not breaker.available():
            raise ApplicationError(
                f"circuit breaker for {name} is open", "circuit_open", "",
                type=ErrorType.CIRCUIT_OPEN, non_retryable=True,
            )  # fmt: skip
        await self._board.buckets[name].acquire()
        breaker.before_call()
        started = time.monotonic()
        try:
            result = await call(self._processors[name])
        except ProcessorFailure as failure:
            self._board.record(name, healthy=not failure.error_type.retryable)
            _observe(name, started, failure)
            activity.logger.info("%s refused: %s (%s)", name, failure.code, failure.error_type)
            raise to_application_error(failure) from None
        self._board.record(name, healthy=True)
        _observe(name, started, None)
        return result

    async def _replayed(self, name: str, key: str) -> JSON | None:
        """On a retry, the answer the processor already gave for ``key``, if any."""
        if activity.info().attempt == 1:
            return None
        stored = await self._call(name, lambda p: p.inquire(key))
        if not stored:
            return None
        if stored["status_code"] >= 300:
            raise to_application_error(failure_from(stored["status_code"], stored["body"]))
        return dict(stored["body"])

    @activity.defn(name="route")
    async def route(self) -> RouteResult:
        """Processors in the order to try them (healthy ones first, by priority)."""
        return RouteResult(processors=self._board.order(), breakers=self._board.states())

    @activity.defn(name="check_balance")
    async def check_balance(self, req: BalanceCheckInput) -> BalanceCheckResult:
        """Ask how much the card can spend, so a prepaid card short of funds fails early."""
        card = await self._card(req.card_token, None)
        data = await self._call(
            req.processor, lambda p: p.balance(card, req.currency.value), may_fail_over=True
        )
        return BalanceCheckResult(available=data["available"], funding=data["funding"])

    @activity.defn(name="authorize")
    async def authorize(self, req: AuthorizeInput) -> AuthorizeResult:
        """Place a hold; the token is resolved to a card number only here, in memory."""
        card = await self._card(req.card_token, req.merchant_id)
        body = {
            "card": card,
            "amount": req.amount.amount,
            "currency": req.amount.currency.value,
            "merchant_id": req.merchant_id,
            "payment_id": req.payment_id,
            "step": "authorize",
            "hold_ttl_seconds": req.hold_ttl_seconds,
        }
        data = await self._call(
            req.processor, lambda p: p.authorize(req.idempotency_key, body), may_fail_over=True
        )
        return AuthorizeResult(
            authorization_id=data["id"], amount=data["amount"], expires_at=data["expires_at"]
        )

    @activity.defn(name="inquire")
    async def inquire(self, req: InquireInput) -> Inquiry:
        """What became of an authorization request: approved, declined, or never received."""
        stored = await self._call(req.processor, lambda p: p.inquire(req.idempotency_key))
        if not stored:
            metrics.UNKNOWN_OUTCOMES.labels(processor=req.processor).inc()
            return Inquiry(found=False)
        body = stored["body"]
        if stored["status_code"] < 300:
            auth = AuthorizeResult(
                authorization_id=body["id"], amount=body["amount"], expires_at=body["expires_at"]
            )
            return Inquiry(found=True, authorization=auth)
        failure = failure_from(stored["status_code"], body)
        return Inquiry(found=True, decline_code=failure.decline_code or failure.code)

    @activity.defn(name="capture")
    async def capture(self, req: CaptureInput) -> CaptureResult:
        """Post part or all of the hold; the processor releases the rest."""
        body = {"amount": req.amount, "payment_id": req.payment_id, "step": "capture"}
        data = await self._replayed(req.processor, req.idempotency_key) or await self._call(
            req.processor, lambda p: p.capture(req.idempotency_key, req.authorization_id, body)
        )
        metrics.CAPTURED.labels(processor=req.processor).inc(data["amount"])
        return CaptureResult(capture_id=data["id"], amount=data["amount"])

    @activity.defn(name="void")
    async def void(self, req: VoidInput) -> VoidResult:
        """Release the hold (answers ``expired`` if the processor already let it lapse)."""
        body = {"payment_id": req.payment_id, "step": "void"}
        data = await self._replayed(req.processor, req.idempotency_key) or await self._call(
            req.processor, lambda p: p.void(req.idempotency_key, req.authorization_id, body)
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
        data = await self._replayed(req.processor, req.idempotency_key) or await self._call(
            req.processor, lambda p: p.refund(req.idempotency_key, body)
        )
        metrics.REFUNDED.labels(processor=req.processor).inc(data["amount"])
        return RefundResult(processor_refund_id=data["id"], amount=data["amount"])

    def all(self) -> list[Any]:
        """Every activity, for worker registration."""
        return [
            self.route,
            self.check_balance,
            self.authorize,
            self.inquire,
            self.capture,
            self.void,
            self.refund,
        ]
