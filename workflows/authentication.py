"""3-D Secure as a durable wait: start it, wait for the customer's answer, confirm it.

Only payments whose processor declined ``authentication_required`` come here, behind a patch, so
every other payment's history is unchanged. The browser's redirect only wakes the workflow (an
Update with the challenge's id); what the customer answered comes from the processor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.payment import PaymentActivities
    from payments.authentication import (
        AuthenticationStarted,
        AuthenticationState,
        ConfirmAuthenticationInput,
        StartAuthenticationInput,
    )
    from payments.errors import DeclineCode
    from payments.ids import Step, idempotency_key
    from payments.state import PaymentState
    from payments.status import PaymentEvent
    from workflows import waits
    from workflows.authorization import Authorizer, Kind, Outcome
    from workflows.policies import StepName, run_step

AUTHENTICATION_PATCH = "three-d-secure"
"""Patch id of the 3-D Secure branch (older histories failed ``authentication_required``)."""

_S, _C = AuthenticationState, DeclineCode


def needs_authentication(outcome: Outcome) -> bool:
    """The processor asks for 3-D Secure (and the payment may try it)."""
    return (
        outcome.kind is Kind.REFUSED
        and outcome.code == DeclineCode.AUTHENTICATION_REQUIRED
        and bool(outcome.processor)
    )


async def start(s: PaymentState, processor: str) -> AuthenticationStarted:
    """Open the authentication at ``processor`` (frictionless, or a challenge)."""
    req, urls = s.request, s.request.authentication
    arg = StartAuthenticationInput(
        processor=processor,
        idempotency_key=idempotency_key(req.payment_id, Step.AUTHORIZE, s.keyed("authenticate")),
        payment_id=req.payment_id,
        merchant_id=req.merchant_id,
        card_token=req.card.token or "",
        amount=req.amount,
        callback_url=urls.callback_url if urls else None,
        expires_in_seconds=req.options.authentication_timeout_seconds,
    )
    act = PaymentActivities.start_authentication
    result: AuthenticationStarted = await run_step(
        StepName.AUTHENTICATE, act, arg, processor=processor, patch_free=waits.patch_free(s)
    )
    return result


async def confirm(s: PaymentState) -> None:
    """Ask the processor how the challenge ended; record it if it has ended."""
    assert s.processor_of_challenge and s.authentication_id, "no challenge"
    arg = ConfirmAuthenticationInput(processor=s.processor_of_challenge,
                                     payment_id=s.request.payment_id,
                                     authentication_id=s.authentication_id)  # fmt: skip
    s.answers_in_flight += 1
    try:
        result: AuthenticationStarted = await run_step(
            StepName.CONFIRM_AUTHENTICATION, PaymentActivities.confirm_authentication, arg,
            processor=arg.processor, patch_free=waits.patch_free(s),
        )  # fmt: skip
    finally:
        s.answers_in_flight -= 1
    if s.authentication is None and result.state is not _S.CHALLENGE:
        s.authentication = result.state


class Authentication:
    """Runs 3-D Secure for one payment after its processor asked for it."""

    def __init__(
        self,
        s: PaymentState,
        transition: Callable[[PaymentEvent, str], None],
        authorizer: Authorizer,
    ) -> None:
        """``transition`` records a status change; ``authorizer`` authorizes again after."""
        self._s = s
        self._transition = transition
        self._authorizer = authorizer

    async def run(self, refused: Outcome) -> Outcome:
        """Authenticate at the processor that asked, then authorize there; or fail."""
        name = refused.processor
        started = await start(self._s, name)
        if started.authentication_id is None or started.state is _S.UNSUPPORTED:
            return refused
        self._s.authentication_id = started.authentication_id
        self._s.processor_of_challenge = name
        state: AuthenticationState = started.state
        if started.challenge is not None:
            urls = self._s.request.authentication
            back = urls.return_url if urls else None
            self._s.challenge = started.challenge.model_copy(update={"return_url": back})
            self._transition(PaymentEvent.REQUIRES_ACTION, f"challenge {started.authentication_id}")
            state = await self._answer()
        if state is _S.AUTHENTICATED:
            how = "challenge approved" if started.challenge else "frictionless"
            self._transition(PaymentEvent.AUTHENTICATED, how)
            return await self._authorizer.authenticated(name)
        timed_out = state in (_S.CHALLENGE, _S.EXPIRED)
        code = _C.AUTHENTICATION_TIMEOUT if timed_out else _C.AUTHENTICATION_FAILED
        return Outcome(Kind.REFUSED, name, event=PaymentEvent.FAILED, code=code.value,
                       detail=f"3-D Secure {state.value}")  # fmt: skip

    async def _answer(self) -> AuthenticationState:
        """The confirmed answer, or, after the timeout, the processor's last word."""
        timeout = timedelta(seconds=self._s.request.options.authentication_timeout_seconds)
        try:
            await workflow.wait_condition(
                lambda: self._s.authentication is not None, timeout=timeout
            )
        except TimeoutError:
            # An answer being confirmed right now decides; else ask once before giving up.
            await workflow.wait_condition(lambda: self._s.answers_in_flight == 0)
            if self._s.authentication is None:
                await confirm(self._s)
        return self._s.authentication or _S.CHALLENGE
