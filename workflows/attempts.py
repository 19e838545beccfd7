"""Retry after a decline: wait for another card, then run the next attempt on it.

Only ``retry_on_decline`` payments whose decline another card may cure come here, behind a
patch, so every other payment's history is unchanged. The payment keeps one id and one
history; each attempt is in its transitions (with its card's last four) and has processor keys
of its own (``PaymentState.keyed``), so no answer given to one card is reused for the next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments.errors import DeclineCode, decline_for
    from payments.models import CardFacts, Failure
    from payments.retry import another_card_may_cure, begin_attempt
    from payments.state import PaymentState
    from payments.status import PaymentEvent
    from workflows import authentication, waits
    from workflows.authorization import Authorizer, Kind, Outcome

RETRY_PATCH = "retry-on-decline"
"""Patch id of the retry branch (older histories failed on every decline)."""


async def authorize_card(
    s: PaymentState,
    transition: Callable[[PaymentEvent, str], None],
    authorizer_class: type[Authorizer],
) -> Outcome:
    """Authorize the current card, with 3-D Secure if its processor asks for it."""
    authorizer = authorizer_class(s, transition)
    outcome = await authorizer.run()
    if authentication.needs_authentication(outcome) and (
        waits.patch_free(s) or workflow.patched(authentication.AUTHENTICATION_PATCH)
    ):
        sca = authentication.Authentication(s, transition, authorizer)
        outcome = await sca.run(outcome)
    return outcome


def wants_retry(s: PaymentState, outcome: Outcome) -> bool:
    """The payment retries on a decline, and another card may cure this one."""
    return (
        s.request.retry_on_decline
        and outcome.kind is Kind.REFUSED
        and another_card_may_cure(outcome.code)
    )


def _attempt_said(s: PaymentState) -> str:
    return f"attempt {s.attempt}, card ending {s.request.card.last4}"


class Retries:
    """Runs the attempts after the first card's decline, until one ends the payment."""

    def __init__(
        self,
        s: PaymentState,
        transition: Callable[[PaymentEvent, str], None],
        attempt: Callable[[], Awaitable[Outcome]],
    ) -> None:
        """``transition`` records a status change; ``attempt`` authorizes the current card."""
        self._s = s
        self._transition = transition
        self._attempt = attempt

    async def run(self, outcome: Outcome) -> Outcome:
        """Ask for another card after each curable decline; the outcome that ends the phase."""
        s = self._s
        while wants_retry(s, outcome):
            said = f"{_attempt_said(s)}: declined {outcome.code}"
            if s.attempt >= s.request.options.max_payment_attempts:
                return _final(DeclineCode.PAYMENT_ATTEMPTS_EXHAUSTED, f"{said}; no attempt left")
            s.failure = Failure(code=outcome.code,
                                message=decline_for(outcome.code).merchant_message)  # fmt: skip
            self._transition(PaymentEvent.REQUIRES_PAYMENT_METHOD, said)
            card = await self._next_card()
            if card is None:
                return self._ended(said)
            begin_attempt(s, card)
            self._transition(PaymentEvent.PAYMENT_METHOD_ATTACHED, _attempt_said(s))
            outcome = await self._attempt()
        return outcome

    async def _next_card(self) -> CardFacts | None:
        """The attached card; None if the merchant canceled or the deadline passed first."""
        s = self._s
        timeout = timedelta(seconds=s.request.options.payment_method_timeout_seconds)
        try:
            await workflow.wait_condition(
                lambda: s.next_card is not None or s.abandoned is not None, timeout=timeout
            )
        except TimeoutError:
            # A card or a cancel that came with the timer still counts: time ends only a wait.
            if s.next_card is None and s.abandoned is None:
                s.abandoned = DeclineCode.PAYMENT_METHOD_TIMEOUT.value
        return None if s.abandoned is not None else s.next_card

    def _ended(self, said: str) -> Outcome:
        s = self._s
        code = s.abandoned or DeclineCode.PAYMENT_METHOD_TIMEOUT.value
        if code == DeclineCode.CANCELED_BY_MERCHANT:
            why = f"canceled by the merchant: {s.abandon_reason}" if s.abandon_reason else None
            return _final(code, why or "canceled by the merchant")
        wait = s.request.options.payment_method_timeout_seconds
        return _final(code, f"{said}; no other card within {wait} s")


def _final(code: str, detail: str) -> Outcome:
    return Outcome(Kind.REFUSED, event=PaymentEvent.FAILED, code=code, detail=detail)
