"""Processor activities. Each sends an idempotency key that is stable across retries.

A retried money-moving activity first asks the processor what became of its key, so a lost
answer is found instead of being guessed at. Activities speak only the ``Processor`` Protocol;
names, inputs and results are the recorded ones (``payments.activity_io``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import processor_io as io
from activities.authentication import AuthenticationSteps
from activities.balance import check_before_authorizing
from activities.outcomes import IN_PROGRESS, to_application_error
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
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.fleet import Fleet
from processors.models import (
    Authorization,
    BalanceRequest,
    Capture,
    Card,
    InquiryAnswer,
    InquiryRequest,
    Operation,
    RefundMade,
    Release,
    RequestState,
)
from processors.protocol import Processor
from stores.database import StoreUnavailable
from stores.vault import CardVault, VaultError

R = TypeVar("R", Capture, Release, RefundMade)
NO_LIMIT_KNOWN = 10**12
"""The balance reported for a processor without a balance check: authorization decides."""


class PaymentActivities(AuthenticationSteps):
    """Activities over the processor fleet (breakers, rate limits) and the card vault."""

    def __init__(self, *, fleet: Fleet, vault: CardVault) -> None:
        """Share the worker's processors and one breaker board across all activity calls."""
        self._fleet = fleet
        self._vault = vault

    async def _card(self, token: str, merchant_id: str | None) -> Card:
        """The card for ``token``, if it is ``merchant_id``'s (defence in depth: the API checks
        first). Tokens from before owners existed still resolve, so payments running at the
        upgrade finish. ``None`` only for the balance check, whose input names no merchant."""
        try:
            if merchant_id is None:
                card = await self._vault.resolve_any_owner(token)
            else:
                card = await self._vault.resolve(token, merchant_id, allow_unowned=True)
        except VaultError as exc:
            raise ApplicationError(
                str(exc), "card_not_found", "", type=ErrorType.CARD_NOT_FOUND, non_retryable=True
            ) from None
        except StoreUnavailable as exc:
            # Before any processor call: the workflow waits this out (workflows/store_outage).
            raise ApplicationError(str(exc), type=ErrorType.STORE_UNAVAILABLE) from None
        return Card(number=card.number, exp_month=card.exp_month, exp_year=card.exp_year)

    async def _call(
        self, name: str, call: Callable[[Processor], Awaitable[Any]], *, may_fail_over: bool = False
    ) -> Any:
        """One call through the fleet; a failure becomes the activity's ``ApplicationError``."""
        try:
            return await self._fleet.call(name, call, may_fail_over=may_fail_over)
        except ProcessorFailure as failure:
            raise to_application_error(failure) from None

    async def _inquire(self, name: str, ask: InquiryRequest) -> InquiryAnswer:
        """The processor's account of a key; still in progress is a retryable failure."""
        answer: InquiryAnswer = await self._call(name, lambda p: p.inquire(ask))
        if answer.state is RequestState.IN_PROGRESS:
            raise to_application_error(IN_PROGRESS)
        return answer

    async def _settle(
        self, name: str, ask: InquiryRequest, send: Callable[[Processor], Awaitable[R]]
    ) -> R:
        """On a retry, the answer the processor already gave for the key; else send the call."""
        if activity.info().attempt > 1:
            answer = await self._inquire(name, ask)
            if answer.refusal is not None:
                raise to_application_error(ProcessorFailure.of(answer.refusal))
            if answer.result is not None:
                found: R = answer.result  # type: ignore[assignment]  # same key, same operation
                return found
        result: R = await self._call(name, send)
        return result

    @activity.defn(name="route")
    async def route(self) -> RouteResult:
        """Processors in the order to try them (healthy ones first, by priority)."""
        board = self._fleet.board
        return RouteResult(processors=board.order(), breakers=board.states())

    @activity.defn(name="check_balance")
    async def check_balance(self, req: BalanceCheckInput) -> BalanceCheckResult:
        """Ask how much the card can spend, so a prepaid card short of funds fails early."""
        has = self._fleet.processors[req.processor].capabilities.has(Capability.BALANCE_CHECK)
        if req.card_token is None or not has:
            return BalanceCheckResult(available=NO_LIMIT_KNOWN, funding="unknown")
        ask = BalanceRequest(card=await self._card(req.card_token, None), currency=req.currency)
        data = await self._call(req.processor, lambda p: p.balance(ask), may_fail_over=True)
        return BalanceCheckResult(available=data.available, funding=data.funding)

    @activity.defn(name="authorize")
    async def authorize(self, req: AuthorizeInput) -> AuthorizeResult:
        """Place a hold; the token is resolved to a card number only here, in memory. A
        processor's own PaymentMethod goes to it as it is (no vault card, no CVC)."""
        card = None
        if req.processor_payment_method is None:
            card = await self._card(req.card_token or "", req.merchant_id)
        await check_before_authorizing(self._fleet, req, card)
        ask = io.authorize_request(req, card)
        auth = await self._call(req.processor, lambda p: p.authorize(ask), may_fail_over=True)
        return io.authorize_result(auth)

    @activity.defn(name="inquire")
    async def inquire(self, req: InquireInput) -> Inquiry:
        """What became of an authorization request: approved, declined, or never received."""
        answer = await self._inquire(req.processor, io.inquiry(req, Operation.AUTHORIZE))
        if answer.refusal is not None:
            return Inquiry(found=True, decline_code=io.refusal_code(answer.refusal))
        if isinstance(answer.result, Authorization):
            return Inquiry(found=True, authorization=io.authorize_result(answer.result))
        metrics.UNKNOWN_OUTCOMES.labels(processor=req.processor).inc()
        return Inquiry(found=False)

    @activity.defn(name="capture")
    async def capture(self, req: CaptureInput) -> CaptureResult:
        """Post part or all of the hold; the processor releases the rest."""
        ask = io.capture_request(req)
        inquiry = io.inquiry(ask, Operation.CAPTURE)
        done = await self._settle(req.processor, inquiry, lambda p: p.capture(ask))
        metrics.CAPTURED.labels(processor=req.processor).inc(done.amount)
        return CaptureResult(capture_id=done.capture_id, amount=done.amount)

    @activity.defn(name="void")
    async def void(self, req: VoidInput) -> VoidResult:
        """Release the hold (answers ``expired`` if the processor already let it lapse)."""
        ask = io.void_request(req)
        done = await self._settle(req.processor, io.inquiry(ask, Operation.VOID),
                                  lambda p: p.void(ask))  # fmt: skip
        return VoidResult(status=done.status.value)

    @activity.defn(name="refund")
    async def refund(self, req: RefundInput) -> RefundResult:
        """Return captured money; each refund id has its own key."""
        ask = io.refund_request(req)
        inquiry = io.inquiry(ask, Operation.REFUND)
        done = await self._settle(req.processor, inquiry, lambda p: p.refund(ask))
        metrics.REFUNDED.labels(processor=req.processor).inc(done.amount)
        return RefundResult(processor_refund_id=done.refund_id, amount=done.amount)

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
            self.start_authentication,
            self.confirm_authentication,
        ]

    def processor_calls(self) -> list[Any]:
        """The normal activities that call one processor: its task queue's activities."""
        return [self.authorize, self.inquire, self.capture, self.void, self.refund,
                self.start_authentication, self.confirm_authentication]  # fmt: skip
