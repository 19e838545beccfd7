"""One scenario per corpus branch: drive a payment down that branch and return its id.

Refund windows are seconds long so every workflow completes inside the recorded history.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import httpx
from temporalio.client import Client

from cli.testcards import card_number
from facade import operations as ops
from facade.tokenize import tokenize_card
from infra.settings import Settings
from payments.cards import RawCard
from payments.ids import new_payment_id, refund_workflow_id
from payments.models import CaptureMethod, PaymentOptions, PaymentRequest, PaymentView
from payments.models import RefundRequest as Refund
from payments.money import Currency, Money
from payments.status import PaymentStatus
from stack.checks import http_ok
from tests.replay import lean_scenarios, retry_scenarios
from tests.replay.stack import RecordingStack
from workflows.payment import PaymentWorkflow

WEEK = 7 * 86400
MERCHANT = "merchant_replay"
HOOKED_MERCHANT = "merchant_replay_hooks"
"""Has a webhook endpoint, so payments with ``notify`` run the notify activity."""
HANG = {"effect_then_timeout_rate": 1.0, "hang_seconds": 20, "operations": ["authorize"]}


@dataclass(frozen=True)
class Context:
    """What scenarios share: the stack, the card settings and each worker group's queue."""

    stack: RecordingStack
    card_settings: Settings
    queues: dict[str, str]

    def client_for(self, group: str) -> Client:
        """The time-skipping server's client for ``skipping``, else the dev server's."""
        return self.stack.skipping.client if group == "skipping" else self.stack.client

    async def pay(
        self,
        group: str,
        card: str,
        amount: int,
        *,
        capture: CaptureMethod = CaptureMethod.AUTOMATIC,
        options: PaymentOptions | None = None,
        notify: bool = False,
        retry_on_decline: bool = False,
        processors: tuple[str, ...] = (),
    ) -> PaymentView:
        """Tokenize a test card and start a USD payment on ``group``'s worker (``processors``:
        the recorded order of a lean payment; empty, the route's)."""
        raw = RawCard(card_number(card), 12, date.today().year + 2, "123")
        merchant = HOOKED_MERCHANT if notify else MERCHANT
        req = PaymentRequest(
            payment_id=new_payment_id(),
            merchant_id=merchant,
            notify=notify,
            amount=Money(amount=amount, currency=Currency.USD),
            capture_method=capture,
            card=await tokenize_card(self.card_settings, raw, merchant_id=merchant),
            options=options or PaymentOptions(refund_window_seconds=2),
            retry_on_decline=retry_on_decline,
            processors=processors,
        )
        return await ops.start_payment(
            self.client_for(group), req, task_queue=self.queues[group], wait_seconds=90
        )


async def automatic_capture(ctx: Context) -> str:
    """Authorize and capture at once; the refund window closes."""
    return (await ctx.pay("plain", "visa", 1999)).payment_id


async def manual_partial_refunds(ctx: Context) -> str:
    """Capture part, refund twice, repeat a refund id; webhooks on; the window closes."""
    view = await ctx.pay(
        "plain", "mastercard", 5000, capture=CaptureMethod.MANUAL, notify=True,
        options=PaymentOptions(refund_window_seconds=8),
    )  # fmt: skip
    pid, client = view.payment_id, ctx.stack.client
    await ops.capture(client, pid, 3000)
    first = Refund(refund_id="re_first", amount=1000, reason="damaged")
    await ops.refund(client, pid, first)
    await ops.refund(client, pid, Refund(refund_id="re_second", amount=500))
    # Another update id with a known refund id: the workflow answers the first refund.
    handle = client.get_workflow_handle_for(PaymentWorkflow.run, pid)
    await handle.execute_update(PaymentWorkflow.refund, first, id="re_first-repeated")
    return pid


async def full_refund(ctx: Context) -> str:
    """Refund everything captured: the payment ends refunded before its window closes."""
    view = await ctx.pay("plain", "visa", 2500, options=PaymentOptions(refund_window_seconds=600))
    await ops.refund(ctx.stack.client, view.payment_id, Refund(refund_id="re_all"))
    return view.payment_id


async def decline(ctx: Context) -> str:
    """The issuer declines the authorization."""
    return (await ctx.pay("plain", "decline", 1000)).payment_id


async def insufficient_funds(ctx: Context) -> str:
    """A prepaid card short of funds fails at the balance check; webhooks on."""
    return (await ctx.pay("plain", "prepaid5", 900, notify=True)).payment_id


async def cancel(ctx: Context) -> str:
    """Authorize, then void on request."""
    view = await ctx.pay("plain", "visa", 1500, capture=CaptureMethod.MANUAL)
    await ops.cancel(ctx.stack.client, view.payment_id, "customer changed their mind")
    return view.payment_id


async def expiry(ctx: Context) -> str:
    """Nobody captures: the 7-day timer voids the hold (time skipping)."""
    options = PaymentOptions(authorization_ttl_seconds=WEEK)
    view = await ctx.pay("skipping", "visa", 1200, capture=CaptureMethod.MANUAL, options=options)
    return view.payment_id


async def failover(ctx: Context) -> str:
    """The primary is down: the balance check fails there and the secondary pays."""
    ctx.stack.sims["outage"].faults(outage=True)
    return (await ctx.pay("failover", "visa", 1300)).payment_id


async def unknown_outcome_resolved(ctx: Context) -> str:
    """The authorization lands but its answers are lost; an inquiry finds it."""
    ctx.stack.sims["hang"].faults(**HANG)
    return (await ctx.pay("unknown", "visa", 2600)).payment_id


async def outcome_unknown_flagged(ctx: Context) -> str:
    """The primary dies holding the authorization: flagged, then resolved once it is back."""
    proc, admin = ctx.stack.procs["killed"], ctx.stack.sims["killed"]
    admin.faults(**HANG)
    options = PaymentOptions(unknown_outcome_alert_seconds=3, refund_window_seconds=2)
    paying = asyncio.create_task(ctx.pay("flagged", "visa", 2800, options=options))
    await asyncio.sleep(1.0)
    proc.kill(signal.SIGKILL)  # the hold is committed; its answer and the processor are gone
    view = await paying
    if view.status is not PaymentStatus.OUTCOME_UNKNOWN:
        raise RuntimeError(f"expected outcome_unknown, the payment is {view.status}")
    proc.start()
    await proc.wait_ready_async(lambda: http_ok(f"{admin.url}/healthz"), timeout=30)
    return view.payment_id


async def challenge_approved(ctx: Context) -> str:
    """3-D Secure: the customer approves the challenge at the simulator; the answer comes back
    as the Update (a first, still-open confirmation included), then authorize and capture."""
    view = await ctx.pay("plain", "challenge", 3100, notify=True)
    if view.status is not PaymentStatus.REQUIRES_ACTION or view.challenge is None:
        raise RuntimeError(f"expected requires_action, the payment is {view.status}")
    pid, challenge = view.payment_id, view.challenge
    await ops.answer_challenge(ctx.stack.client, pid, challenge.challenge_id)  # not answered yet
    async with httpx.AsyncClient(timeout=30) as browser:
        answered = await browser.post(challenge.url, data={"result": "approve"})
        answered.raise_for_status()
    await ops.answer_challenge(ctx.stack.client, pid, challenge.challenge_id)
    return pid


async def refund_of_closed_payment(ctx: Context) -> str:
    """Capture by hand (the payment's workflow closes), then refund it with a
    ``RefundWorkflow``: reserve, refund and book in one activity, then the webhook. Returns the
    refund workflow's id."""
    view = await ctx.pay("plain", "visa", 4000, capture=CaptureMethod.MANUAL, notify=True,
                         options=PaymentOptions(refund_window_seconds=600))  # fmt: skip
    pid, client = view.payment_id, ctx.stack.client
    await ops.capture(client, pid, 4000)
    await client.get_workflow_handle(pid).result()  # closed: the refund takes the new path
    made = await ops.refund(client, pid, Refund(refund_id="re_closed", amount=1500, reason="late"))
    return refund_workflow_id(pid, made.refund_id)


Scenario = Callable[[Context], Awaitable[str]]

SCENARIOS: dict[str, Scenario] = {
    "automatic_capture": automatic_capture,
    "manual_partial_refunds": manual_partial_refunds,
    "full_refund": full_refund,
    "decline": decline,
    "insufficient_funds": insufficient_funds,
    "cancel": cancel,
    "expiry": expiry,
    "failover": failover,
    "unknown_outcome_resolved": unknown_outcome_resolved,
    "outcome_unknown_flagged": outcome_unknown_flagged,
    "challenge_approved": challenge_approved,
    "declined_then_paid": retry_scenarios.declined_then_paid,
    "refund_of_closed_payment": refund_of_closed_payment,
    "lean_automatic": lean_scenarios.lean_automatic,
    "lean_manual_capture": lean_scenarios.lean_manual_capture,
    "lean_insufficient_funds": lean_scenarios.lean_insufficient_funds,
    "lean_failover": lean_scenarios.lean_failover,
    "lean_cancel": lean_scenarios.lean_cancel,
}

# Final status and marks (events, and ``step:outcome`` of attempts) the history must show.
EXPECTED: dict[str, tuple[PaymentStatus, set[str]]] = {
    "automatic_capture": (PaymentStatus.CAPTURED, {"authorized", "captured"}),
    "manual_partial_refunds": (PaymentStatus.PARTIALLY_REFUNDED, {"refunded_partially"}),
    "full_refund": (PaymentStatus.REFUNDED, {"refunded_fully"}),
    "decline": (PaymentStatus.FAILED, {"declined", "authorize:generic_decline"}),
    "insufficient_funds": (PaymentStatus.FAILED, {"declined", "balance:ok"}),
    "cancel": (PaymentStatus.CANCELED, {"canceled"}),
    "expiry": (PaymentStatus.EXPIRED, {"expired"}),
    "failover": (PaymentStatus.CAPTURED, {"failed_over"}),
    "unknown_outcome_resolved": (PaymentStatus.CAPTURED, {"inquire:found"}),
    "outcome_unknown_flagged": (PaymentStatus.CAPTURED, {"outcome_unknown", "resolved"}),
    "challenge_approved": (PaymentStatus.CAPTURED, {"requires_action", "authenticated"}),
    "declined_then_paid": (
        PaymentStatus.CAPTURED,
        {"requires_payment_method", "payment_method_attached", "authorize:generic_decline"},
    ),
    "lean_automatic": (PaymentStatus.CAPTURED, {"captured", "balance:ok", "authorize:approved"}),
    "lean_manual_capture": (PaymentStatus.CAPTURED, {"authorized", "captured"}),
    "lean_insufficient_funds": (PaymentStatus.FAILED, {"declined", "balance:ok"}),
    "lean_failover": (PaymentStatus.CAPTURED, {"failed_over"}),
    "lean_cancel": (PaymentStatus.CANCELED, {"canceled"}),
}


def marks(view: PaymentView) -> set[str]:
    """Events and attempt outcomes of a finished payment, to compare with ``EXPECTED``."""
    return {t.event.value for t in view.transitions} | {
        f"{a.step}:{a.outcome}" for a in view.attempts
    }
