"""Drive every plan through start, capture, cancel and refunds, surviving server restarts.

Every call is idempotent by construction: the workflow id is the plan's payment id (started
with ``USE_EXISTING``/``REJECT_DUPLICATE``), captures and cancels carry a fixed update id and
refunds their refund id, so a call retried after a lost answer attaches to the first one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from chaos import challenges
from chaos.challenges import ChallengeLog
from chaos.client import ClientBox
from chaos.plans import CHALLENGES, EXPIRY_SECONDS, SHORT_WINDOW_SECONDS, Kind, Plan, expected
from facade import operations as ops
from payments.errors import StateConflict
from payments.models import (
    CaptureMethod,
    CardFacts,
    PaymentOptions,
    PaymentRequest,
    PaymentView,
    RefundRequest,
)
from payments.money import Money
from payments.refunds import MadeRefunds
from payments.status import PaymentStatus

START_WAIT_SECONDS = 20.0
UNDECIDED = (PaymentStatus.PENDING, PaymentStatus.OUTCOME_UNKNOWN)
SETTLED_AFTER_CAPTURE = (
    PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED,
)  # fmt: skip


MerchantCards = dict[str, list[CardFacts]]
"""Approved cards' tokens by merchant: a token pays only for the merchant that created it."""
MerchantSpecial = dict[str, dict[str, CardFacts]]
"""The ``decline``, ``insufficient`` and ``challenge`` test cards' tokens, by merchant."""
SPECIAL = {Kind.DECLINE: "decline", Kind.INSUFFICIENT: "insufficient",
           **{k: "challenge" for k in CHALLENGES}}  # fmt: skip


class Driver:
    """Runs plans against one task queue with tokenized cards."""

    def __init__(
        self,
        box: ClientBox,
        task_queue: str,
        cards: MerchantCards,
        special: MerchantSpecial,
        authentication_timeout: int = 25,
        processors: tuple[str, ...] = (),
        ledger: MadeRefunds | None = None,
    ) -> None:
        """Tokens per merchant; ``special`` holds the ``SPECIAL`` cards. Challenges left
        unanswered end after ``authentication_timeout`` seconds; ``processors`` is the order
        each payment records (``Settings.processor_order``); ``ledger``: the refund ledger, where
        refunds of payments whose workflow closed are booked."""
        self.box = box
        self.processors = processors
        self.ledger = ledger
        self.authentication_timeout = authentication_timeout
        self.challenges = ChallengeLog()
        self.task_queue = task_queue
        self.cards = cards
        self.special = special
        self.deadline = float("inf")
        """Monotonic time after which transient failures are given up on; moved by the runner."""
        self.errors: dict[str, str | None] = {}
        """Per payment id: None once its plan was driven through, else why the driver gave up."""

    async def run(self, plans: list[Plan]) -> None:
        """Drive every plan concurrently; results land in ``errors`` even if cancelled."""
        await asyncio.gather(*(self._guarded(p) for p in plans))

    async def _guarded(self, plan: Plan) -> None:
        try:
            await self._drive(plan)
        except Exception as exc:
            self.errors[plan.payment_id] = f"{type(exc).__name__}: {exc}"
        else:
            self.errors[plan.payment_id] = None

    async def _drive(self, plan: Plan) -> None:
        await asyncio.sleep(plan.start_at)
        await self.box.call(lambda c: self._start(c, plan), self.deadline)
        if plan.kind in CHALLENGES:
            await challenges.drive_challenge(self, plan, self.challenges)
        if plan.manual:
            await self._settle_hold(plan)
        if plan.refunds:
            await self.wait_for(plan.payment_id, lambda v: v.status in SETTLED_AFTER_CAPTURE)
            for n, amount in enumerate(plan.refunds):
                await asyncio.sleep(plan.think)
                req = RefundRequest(refund_id=plan.refund_id(n), amount=amount, reason="chaos")
                await self._op(plan, req.refund_id, self._refund_call(plan.payment_id, req))

    async def _settle_hold(self, plan: Plan) -> None:
        """Capture or cancel a manual payment's hold, as planned, once it is authorized."""
        pid = plan.payment_id
        view = await self.wait_for(pid, lambda v: v.status not in UNDECIDED)
        if view.status is not PaymentStatus.AUTHORIZED:
            raise RuntimeError(f"manual payment is {view.status}, not authorized")
        await asyncio.sleep(plan.think)
        if plan.kind in (Kind.MANUAL, Kind.MANUAL_REFUND):
            await self._op(plan, "capture", lambda c: ops.capture(
                c, pid, plan.capture, update_id=f"{pid}-capture"))  # fmt: skip
        elif plan.kind is Kind.CANCEL:
            await self._op(plan, "cancel", lambda c: ops.cancel(
                c, pid, "chaos", update_id=f"{pid}-cancel"))  # fmt: skip

    def _request(self, plan: Plan) -> PaymentRequest:
        special = SPECIAL.get(plan.kind)
        mine = self.cards[plan.merchant]
        card = self.special[plan.merchant][special] if special else mine[plan.card]
        window = 30 * 86400 if plan.refunds else SHORT_WINDOW_SECONDS
        ttl = EXPIRY_SECONDS if plan.kind is Kind.EXPIRE else 7 * 86400
        return PaymentRequest(
            payment_id=plan.payment_id,
            merchant_id=plan.merchant,
            amount=Money(amount=plan.amount, currency=plan.currency),
            capture_method=CaptureMethod.MANUAL if plan.manual else CaptureMethod.AUTOMATIC,
            card=card,
            options=PaymentOptions(refund_window_seconds=window, authorization_ttl_seconds=ttl,
                                   authentication_timeout_seconds=self.authentication_timeout),
            authentication=challenges.urls(plan.payment_id) if plan.kind in CHALLENGES else None,
            processors=self.processors,
        )  # fmt: skip

    async def _start(self, client: Client, plan: Plan) -> PaymentView:
        try:
            return await ops.start_payment(
                client, self._request(plan), task_queue=self.task_queue,
                wait_seconds=START_WAIT_SECONDS,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )  # fmt: skip
        except WorkflowAlreadyStartedError:
            # A retried start after the first run already completed: it is the same payment.
            return await ops.payment_view(client, plan.payment_id, refunds=self.ledger)

    def _refund_call(self, pid: str, req: RefundRequest) -> Callable[[Client], Awaitable[object]]:
        return lambda c: ops.refund(c, pid, req, ledger=self.ledger)

    async def _op(self, plan: Plan, what: str, call: Callable[[Client], Awaitable[object]]) -> None:
        """An update; a refusal is accepted only if the view shows it already happened."""
        try:
            await self.box.call(call, self.deadline)
        except StateConflict:
            view = await self.view(plan.payment_id)
            if not _already_done(view, what):
                raise

    async def view(self, payment_id: str) -> PaymentView:
        """The payment's view, retried through restarts."""
        ledger = self.ledger
        return await self.box.call(
            lambda c: ops.payment_view(c, payment_id, refunds=ledger), self.deadline
        )

    async def wait_for(
        self, payment_id: str, done: Callable[[PaymentView], bool], until: float | None = None
    ) -> PaymentView:
        """Poll the view until ``done`` holds; raise TimeoutError at the deadline."""
        while True:
            view = await self.view(payment_id)
            if done(view):
                return view
            if time.monotonic() > (until or self.deadline):
                raise TimeoutError(f"{payment_id} still {view.status}")
            await asyncio.sleep(1.0)


def _already_done(view: PaymentView, what: str) -> bool:
    if what == "capture":
        return view.status in SETTLED_AFTER_CAPTURE
    if what == "cancel":
        return view.status is PaymentStatus.CANCELED
    return any(r.refund_id == what for r in view.refunds)


async def settle(driver: Driver, plans: list[Plan], until: float) -> dict[str, PaymentView | str]:
    """Each payment's view once it matches its expectation, or its last view at ``until``."""
    gate = asyncio.Semaphore(16)
    driver.deadline = until

    async def one(plan: Plan) -> PaymentView | str:
        want = expected(plan)
        async with gate:
            try:
                return await driver.wait_for(plan.payment_id, lambda v: v.status is want.status,
                                             until)  # fmt: skip
            except TimeoutError:
                pass
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}"
        try:
            return await driver.view(plan.payment_id)  # the checks say what differs
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    views = await asyncio.gather(*(one(p) for p in plans))
    return {p.payment_id: v for p, v in zip(plans, views, strict=True)}
