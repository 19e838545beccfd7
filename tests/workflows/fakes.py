"""Fake processor activities, registered under the real activity names.

One ``FakeProcessors`` serves the whole tier: each payment (the workflow id) has its own
``Script`` saying what the processors do, and every call is recorded. Failures are raised as the
real activities raise them (``ApplicationError`` with an ``ErrorType`` and code details), since
that is the contract the workflow reads.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from payments.activity_io import (
    BALANCE_STAGE,
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
from payments.authentication import AuthenticationState
from payments.errors import ErrorType
from payments.ids import payment_of_key
from payments.webhooks import Notification
from tests.workflows.fakes_3ds import FakeAuthentication


def declined(code: str) -> ApplicationError:
    """The issuer refused the card (HTTP 402 at a processor)."""
    return ApplicationError(
        "card declined", "card_declined", code, type=ErrorType.CARD_DECLINED, non_retryable=True
    )


def refused(error_type: ErrorType, code: str) -> ApplicationError:
    """A non-retryable refusal other than a decline (bad request, expired hold, ...)."""
    return ApplicationError(f"refused: {code}", code, "", type=error_type, non_retryable=True)


def unavailable() -> ApplicationError:
    """Connection refused: the request never reached the processor."""
    return ApplicationError(
        "connection refused", "processor_unavailable", "", type=ErrorType.PROCESSOR_UNAVAILABLE
    )


def lost() -> ApplicationError:
    """The request was sent but no answer came: an effect may exist."""
    return ApplicationError("no answer", "timeout", "", type=ErrorType.OUTCOME_UNKNOWN)


def processing_error() -> ApplicationError:
    """A 5xx answer: retryable, and the processor may have applied the request."""
    return ApplicationError(
        "processing error", "processing_error", "", type=ErrorType.PROCESSOR_ERROR
    )


def circuit_open(name: str) -> ApplicationError:
    """This worker's breaker refuses before sending."""
    return ApplicationError(
        f"circuit breaker for {name} is open", "circuit_open", "",
        type=ErrorType.CIRCUIT_OPEN, non_retryable=True,
    )  # fmt: skip


@dataclass
class Script:
    """What the processors do for one payment; failures are used up one call at a time."""

    processors: list[str] = field(default_factory=lambda: ["primary"])
    available: int = 10**9
    failures: dict[tuple[str, str], list[ApplicationError]] = field(default_factory=dict)
    """(activity, processor) -> failures raised by the next calls, in order."""
    inquiry: Inquiry | None = None
    """The inquiry's answer (None: never received); raises while ``reachable`` is clear."""
    reachable: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event | None = None
    """If set, capture and void calls wait for it (a slow processor), after setting ``waiting``."""
    waiting: asyncio.Event = field(default_factory=asyncio.Event)
    three_ds: AuthenticationState | None = None
    """The issuer asks for 3-D Secure: CHALLENGE, AUTHENTICATED (frictionless) or FAILED."""
    acs: AuthenticationState = AuthenticationState.CHALLENGE
    """What the processor says the challenge became (CHALLENGE: not answered yet)."""
    declines: dict[str, ApplicationError] | None = None
    """If set, authorize remembers each key's decline and answers a repeated key with it, as a
    real processor does (so a reused key cannot pass for a new card)."""

    def __post_init__(self) -> None:
        self.reachable.set()

    def fail(self, step: str, processor: str, *errors: ApplicationError) -> Script:
        """Make the next calls of ``step`` at ``processor`` raise ``errors``."""
        self.failures.setdefault((step, processor), []).extend(errors)
        return self


@dataclass(frozen=True)
class Call:
    """One activity call as the fake saw it."""

    step: str
    processor: str
    key: str
    attempt: int
    ok: bool
    amount: int | None = None


class FakeProcessors(FakeAuthentication):
    """The activities of a worker, answering from each payment's script."""

    def __init__(self) -> None:
        """No scripts, no calls."""
        self.scripts: dict[str, Script] = {}
        self.calls: dict[str, list[Call]] = defaultdict(list)
        self.notified: dict[str, list[str]] = defaultdict(list)
        self._ids = itertools.count(1)

    def script(self, payment_id: str, script: Script | None = None) -> Script:
        """Register (or read) the script of one payment."""
        return self.scripts.setdefault(payment_id, script or Script())

    def effects(self, payment_id: str) -> list[str]:
        """Steps that succeeded at a processor, in order (the ledger's view)."""
        return [c.step for c in self.calls[payment_id] if c.ok and c.step != "check_balance"]

    def processors_called(self, payment_id: str) -> set[str]:
        """Every processor this payment called, successfully or not."""
        return {c.processor for c in self.calls[payment_id]}

    def _payment(self, key: str) -> str:
        """The payment a call is for: its workflow's id, or (a closed payment's refund, run by
        a ``RefundWorkflow`` of its own) the payment its idempotency key names."""
        workflow_id = activity.info().workflow_id or ""
        return workflow_id if workflow_id in self.scripts else payment_of_key(key)

    def _run(self, step: str, processor: str, key: str, amount: int | None = None) -> Script:
        info = activity.info()
        payment_id = self._payment(key)
        s = self.scripts[payment_id]
        queue = s.failures.get((step, processor), [])
        ok = not queue
        self.calls[payment_id].append(Call(step, processor, key, info.attempt, ok, amount))
        if not ok:
            raise queue.pop(0)
        return s

    @staticmethod
    async def _slow(s: Script) -> None:
        if s.gate is not None:
            s.waiting.set()
            await s.gate.wait()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    @activity.defn(name="route")
    async def route(self) -> RouteResult:
        """The script's processors, all breakers closed."""
        s = self.scripts[activity.info().workflow_id or ""]
        return RouteResult(processors=s.processors, breakers=dict.fromkeys(s.processors, "closed"))

    @activity.defn(name="check_balance")
    async def check_balance(self, req: BalanceCheckInput) -> BalanceCheckResult:
        """The script's available balance."""
        s = self._run("check_balance", req.processor, "")
        return BalanceCheckResult(available=s.available, funding="credit")

    @activity.defn(name="authorize")
    async def authorize(self, req: AuthorizeInput) -> AuthorizeResult:
        """A hold for the whole amount (a 3-D Secure card: only once authenticated)."""
        s = self.scripts[activity.info().workflow_id or ""]
        if s.three_ds is not None and req.authentication_id is None:
            s.fail("authorize", req.processor, declined("authentication_required"))
        if s.declines is not None and req.idempotency_key in s.declines:
            queue = s.failures.setdefault(("authorize", req.processor), [])
            queue.insert(0, s.declines[req.idempotency_key])
        if req.check_balance:
            self._balance_stage(req)
        try:
            self._run("authorize", req.processor, req.idempotency_key, req.amount.amount)
        except ApplicationError as err:
            if s.declines is not None and err.type == ErrorType.CARD_DECLINED:
                s.declines[req.idempotency_key] = err
            raise
        expires = datetime.now(UTC) + timedelta(seconds=req.hold_ttl_seconds)
        auth_id = self._id(f"auth_{req.processor}")
        return AuthorizeResult(
            authorization_id=auth_id, amount=req.amount.amount, expires_at=expires
        )

    def _balance_stage(self, req: AuthorizeInput) -> None:
        """The balance check inside a lean authorize, raising as ``activities.balance`` does:
        a short balance is a decline; any failure says it came from the check and was never
        sent as a hold (retryable ones become ProcessorUnavailable)."""
        try:
            s = self._run("check_balance", req.processor, "")
        except ApplicationError as err:
            if err.type == ErrorType.STORE_UNAVAILABLE:
                raise  # the real activity reads the vault before the check: not the check's
            error_type = ErrorType(err.type or ErrorType.PROCESSOR_UNAVAILABLE)
            if error_type.retryable:
                error_type = ErrorType.PROCESSOR_UNAVAILABLE
            raise ApplicationError(
                f"{BALANCE_STAGE}: {err.message}", *err.details, type=error_type,
                non_retryable=not error_type.retryable,
            ) from None  # fmt: skip
        if s.available < req.amount.amount:
            raise ApplicationError(
                BALANCE_STAGE, "insufficient_funds", "insufficient_funds",
                type=ErrorType.CARD_DECLINED, non_retryable=True,
            )  # fmt: skip

    @activity.defn(name="inquire")
    async def inquire(self, req: InquireInput) -> Inquiry:
        """The script's inquiry answer, once the processor is reachable."""
        s = self.scripts[activity.info().workflow_id or ""]
        if not s.reachable.is_set():
            s.fail("inquire", req.processor, unavailable())
        self._run("inquire", req.processor, req.idempotency_key)
        return s.inquiry or Inquiry(found=False)

    @activity.defn(name="capture")
    async def capture(self, req: CaptureInput) -> CaptureResult:
        """Post the amount asked for."""
        await self._slow(self.scripts[activity.info().workflow_id or ""])
        self._run("capture", req.processor, req.idempotency_key, req.amount)
        return CaptureResult(capture_id=self._id("cap"), amount=req.amount)

    @activity.defn(name="void")
    async def void(self, req: VoidInput) -> VoidResult:
        """Release the hold."""
        await self._slow(self.scripts[activity.info().workflow_id or ""])
        self._run("void", req.processor, req.idempotency_key)
        return VoidResult(status="voided")

    @activity.defn(name="refund")
    async def refund(self, req: RefundInput) -> RefundResult:
        """Return the amount asked for."""
        self._run("refund", req.processor, req.idempotency_key, req.amount)
        return RefundResult(processor_refund_id=self._id("rf"), amount=req.amount)

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> dict[str, Any]:
        """Record the webhook event type instead of delivering it."""
        self.notified[note.event.data.object.id].append(note.event.type.value)
        return {"delivered": True}

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
            self.notify,
            self.start_authentication,
            self.confirm_authentication,
        ]
