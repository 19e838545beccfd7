"""The customer's side of 3-D Secure under chaos: answer a challenge, deny it, or walk away.

The chaos stack runs no API, so the driver plays both the customer's browser (the challenge
form at the simulator's access control server) and the API's ``challenge_return`` page (the
``answer_challenge`` Update with the challenge's id, nothing else). What the customer answered
reaches the payment only through its processor, as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx

from chaos.plans import Kind, Plan
from facade import operations as ops
from payments.authentication import AuthenticationUrls
from payments.errors import PaymentError
from payments.models import PaymentView
from payments.status import PaymentStatus

if TYPE_CHECKING:
    from chaos.driver import Driver

CHALLENGE_CARD = "4000000000003220"  # Stripe's "3DS2 required" test card
ANSWERS = {Kind.CHALLENGE_APPROVE: "approve", Kind.CHALLENGE_DENY: "deny"}
# Reserved top-level domain: never resolved. The simulator redirects the "browser" here; the
# driver reads the challenge's id off the redirect, as the API's challenge_return page would.
RETURN_BASE = "http://chaos.invalid/v1/payments"


def urls(payment_id: str) -> AuthenticationUrls:
    """Where the access control server sends the customer back (the API's page, in shape)."""
    return AuthenticationUrls(callback_url=f"{RETURN_BASE}/{payment_id}/challenge_return")


@dataclass
class ChallengeLog:
    """When challenges were open (monotonic seconds), to see which waits a SIGKILL hit."""

    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the first challenge is open: the monkey kills every worker then."""


def _waiting(view: PaymentView) -> bool:
    return view.status is PaymentStatus.REQUIRES_ACTION and view.challenge is not None


async def post_answer(url: str, answer: str, deadline: float) -> str:
    """POST the challenge form like a browser; the challenge id from the 303 redirect."""
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as http:
        while True:
            try:
                reply = await http.post(url, data={"result": answer})
            except httpx.TransportError:
                reply = None
            if reply is not None and reply.status_code == 303:
                query = parse_qs(urlsplit(reply.headers["location"]).query)
                return query["authentication"][0]
            if reply is not None and reply.status_code < 500:
                raise RuntimeError(f"challenge form answered {reply.status_code}")
            if time.monotonic() > deadline:
                raise TimeoutError("challenge form unreachable")
            await asyncio.sleep(1.0)


async def drive_challenge(driver: Driver, plan: Plan, log: ChallengeLog) -> None:
    """Wait for the challenge; then answer it as planned, or leave it to time out (after the
    driver's ``authentication_timeout``)."""
    pid = plan.payment_id
    view = await driver.wait_for(pid, lambda v: _waiting(v) or v.status.is_terminal)
    if not _waiting(view) or view.challenge is None:
        raise RuntimeError(f"challenge payment is {view.status}, not requires_action")
    opened = time.monotonic()
    log.opened.set()
    answer = ANSWERS.get(plan.kind)
    if answer is None:
        log.windows[pid] = (opened, opened + driver.authentication_timeout)
        return
    await asyncio.sleep(plan.think * 2)  # the customer reads the page; the chaos goes on
    challenge_id = await post_answer(view.challenge.url, answer, driver.deadline)
    log.windows[pid] = (opened, time.monotonic())
    if challenge_id != view.challenge.challenge_id:
        raise RuntimeError(f"redirect names challenge {challenge_id}, the payment another")
    # A retried Update after the first was applied is refused: the final state is what counts.
    with contextlib.suppress(PaymentError):
        await driver.box.call(lambda c: ops.answer_challenge(c, pid, challenge_id), driver.deadline)
