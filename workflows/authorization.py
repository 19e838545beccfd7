"""Authorization across processors: retry, ask about lost answers, fail over only when safe.

A processor is left for the next one only when it cannot hold an authorization for this
payment: every attempt failed before reaching it, or it says it never received the request.
While an effect may exist, the payment keeps asking (and shows ``outcome_unknown`` once that
takes longer than the configured alert time); it is never failed and never sent elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from payments.activity_io import BALANCE_STAGE, AuthorizeResult
    from payments.errors import DeclineCode, ErrorType
    from payments.models import Attempt
    from payments.state import PaymentState
    from payments.status import PaymentEvent
    from workflows import steps, waits
    from workflows.failures import cause_of, failure_of

ATTEMPTS_PER_PROCESSOR = 3
AUTHENTICATED_WAIT_PATCH = "authenticated-waits-for-its-processor"
"""Patch id: after 3-D Secure, an unreachable processor is waited for, not given up on."""
AUTHENTICATED_PAUSE = timedelta(seconds=5)


class Kind(StrEnum):
    """How authorization on one processor (or all of them) ended."""

    AUTHORIZED = "authorized"
    REFUSED = "refused"
    FAILOVER = "failover"


@dataclass(frozen=True)
class Outcome:
    """The result, with what the workflow needs to record it."""

    kind: Kind
    processor: str = ""
    auth: AuthorizeResult | None = None
    event: PaymentEvent = PaymentEvent.FAILED
    code: str = DeclineCode.PROCESSOR_UNAVAILABLE.value
    detail: str = ""


def _never_sent(err: FailureError) -> bool:
    """True only when the failure proves the request did not reach the processor."""
    cause = cause_of(err)
    return isinstance(cause, ApplicationError) and cause.type in (
        ErrorType.PROCESSOR_UNAVAILABLE,
        ErrorType.CIRCUIT_OPEN,
        ErrorType.STORE_UNAVAILABLE,  # the card could not be read, so nothing was sent
    )


def _balance_stage(err: FailureError) -> str:
    """The message of an authorize failure (one from its balance check names ``BALANCE_STAGE``)."""
    cause = cause_of(err)
    return cause.message if isinstance(cause, ApplicationError) else ""


def _circuit_open(err: FailureError) -> bool:
    cause = cause_of(err)
    return isinstance(cause, ApplicationError) and cause.type == ErrorType.CIRCUIT_OPEN


class Authorizer:
    """Runs the authorization phase for one payment's state."""

    def __init__(self, s: PaymentState, transition: Callable[[PaymentEvent, str], None]) -> None:
        """``transition`` records a status change (with search attributes and webhooks)."""
        self._s = s
        self._transition = transition

    async def run(self) -> Outcome:
        """Try processors in routing order until one authorizes or refuses."""
        lean = waits.lean(self._s)
        pinned = self._s.request.pinned_processor
        outcome = Outcome(Kind.FAILOVER, detail="no processor configured")
        for i, name in enumerate(await self._order(lean)):
            if i > 0:
                self._transition(PaymentEvent.FAILED_OVER, f"to {name}: {outcome.detail}")
            outcome = await (self._attempts(name, balance=True) if lean else self._on(name))
            if outcome.kind is not Kind.FAILOVER:
                return outcome
        if pinned is not None:
            return Outcome(Kind.REFUSED, detail=f"pinned processor unavailable: {outcome.detail}")
        return Outcome(Kind.REFUSED, detail=f"every processor unavailable: {outcome.detail}")

    async def _order(self, lean: bool) -> list[str]:
        """Processors to try: the request's own order on the lean path (no local activity; an
        open breaker fails its authorize at once), else the ``route`` local activity's."""
        req = self._s.request
        # A pinned payment (a processor's own PaymentMethod) exists at one processor only: it
        # never fails over. Older histories still asked for the route (same commands).
        if lean and (req.pinned_processor is not None or req.processors):
            return [req.pinned_processor] if req.pinned_processor else list(req.processors)
        route = await steps.route()
        return [req.pinned_processor] if req.pinned_processor else route.processors

    async def authenticated(self, name: str) -> Outcome:
        """Authorize again at ``name`` after 3-D Secure (no balance check, no failover: the
        authentication exists at that processor only)."""
        outcome = await self._attempts(name)
        if outcome.kind is Kind.FAILOVER and (
            waits.patch_free(self._s) or workflow.patched(AUTHENTICATED_WAIT_PATCH)
        ):
            outcome = await self._wait_for(name, outcome)
        if outcome.kind is Kind.FAILOVER:
            detail = f"authenticated processor unavailable: {outcome.detail}"
            return Outcome(Kind.REFUSED, detail=detail)
        return outcome

    async def _wait_for(self, name: str, outcome: Outcome) -> Outcome:
        """Try ``name`` again for up to the authentication timeout (durable timers).

        The customer has answered the challenge; a short outage at the one processor that holds
        the authentication must not throw that away (found by the chaos harness).
        """
        until = workflow.now() + timedelta(
            seconds=self._s.request.options.authentication_timeout_seconds
        )
        while outcome.kind is Kind.FAILOVER and workflow.now() + AUTHENTICATED_PAUSE < until:
            await workflow.sleep(AUTHENTICATED_PAUSE)
            outcome = await self._attempts(name)
        return outcome

    def _record(self, processor: str, step: str, outcome: str, detail: str | None = None) -> None:
        self._s.attempts.append(
            Attempt(
                step=step, processor=processor, outcome=outcome, at=workflow.now(), detail=detail
            )
        )

    def _record_failure(self, name: str, stage: str | None, code: str, detail: str) -> bool:
        """Record a failed authorize call; True while the balance check is still to pass.

        ``stage`` is the failure's message if the call checked the balance: one that starts
        with ``BALANCE_STAGE`` failed in that check; exactly ``BALANCE_STAGE``, the balance is
        short, a check that answered (recorded ``ok`` as in older histories).
        """
        if stage is None or not stage.startswith(BALANCE_STAGE):
            if stage is not None:
                self._record(name, "balance", "ok")
            self._record(name, "authorize", code, detail)
            return False
        if stage == BALANCE_STAGE:
            self._record(name, "balance", "ok")
        else:
            self._record(name, "balance", code, stage)
        return True

    async def _on(self, name: str) -> Outcome:
        try:
            balance = await steps.check_balance(self._s, name)
        except FailureError as err:
            event, code, detail = failure_of(err)
            self._record(name, "balance", code, detail)
            if event is PaymentEvent.DECLINED or code != DeclineCode.PROCESSOR_UNAVAILABLE:
                return Outcome(Kind.REFUSED, name, event=event, code=code, detail=detail)
            return Outcome(Kind.FAILOVER, detail=f"{name} balance check failed")
        self._record(name, "balance", "ok")
        if balance.available < self._s.request.amount.amount:
            code = DeclineCode.INSUFFICIENT_FUNDS.value
            return Outcome(Kind.REFUSED, name, event=PaymentEvent.DECLINED, code=code,
                           detail="balance check")  # fmt: skip
        return await self._attempts(name)

    async def _attempts(self, name: str, *, balance: bool = False) -> Outcome:
        """Up to three authorize calls at ``name``; with ``balance``, each first checks the
        card's balance there until one gets past that check (lean path)."""
        maybe_sent = False
        for attempt in range(1, ATTEMPTS_PER_PROCESSOR + 1):
            try:
                auth = await steps.authorize(self._s, name, check_balance=balance)
            except FailureError as err:
                event, code, detail = failure_of(err)
                stage = _balance_stage(err) if balance else None
                balance = self._record_failure(name, stage, code, detail)
                if stage == BALANCE_STAGE:  # the balance is short: a decline, as before
                    return Outcome(Kind.REFUSED, name, event=event, code=code, detail=stage)
                if code != DeclineCode.PROCESSOR_UNAVAILABLE:
                    return Outcome(Kind.REFUSED, name, event=event, code=code, detail=detail)
                maybe_sent = maybe_sent or not _never_sent(err)
                if _circuit_open(err):
                    break
                if attempt < ATTEMPTS_PER_PROCESSOR:
                    await workflow.sleep(timedelta(seconds=attempt))
                continue
            if balance:
                self._record(name, "balance", "ok")
            self._record(name, "authorize", "approved", auth.authorization_id)
            return Outcome(Kind.AUTHORIZED, name, auth)
        if maybe_sent:
            return await self._resolve(name)
        return Outcome(Kind.FAILOVER, detail=f"{name} unreachable")

    async def _resolve(self, name: str) -> Outcome:
        """Ask ``name`` about the request until it answers; flag the payment if that is slow."""
        alert = timedelta(seconds=self._s.request.options.unknown_outcome_alert_seconds)
        flagged = False
        while True:
            try:
                inquiry = await steps.inquire(self._s, name, within=alert)
                break
            except FailureError:
                if not flagged:
                    self._transition(PaymentEvent.OUTCOME_UNKNOWN, f"{name} cannot say yet")
                    flagged = True
        if flagged:
            self._transition(PaymentEvent.RESOLVED, f"{name} answered the inquiry")
        self._record(name, "inquire", "found" if inquiry.found else "not_found")
        if inquiry.authorization is not None:
            return Outcome(Kind.AUTHORIZED, name, inquiry.authorization)
        if inquiry.found:
            code = inquiry.decline_code or DeclineCode.GENERIC_DECLINE.value
            return Outcome(Kind.REFUSED, name, event=PaymentEvent.DECLINED, code=code,
                           detail="found by inquiry")  # fmt: skip
        return Outcome(Kind.FAILOVER, detail=f"{name} never received the request")
