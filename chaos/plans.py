"""Seeded payment plans and the state each must end in."""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from payments.errors import DeclineCode
from payments.money import Currency
from payments.status import PaymentStatus

MERCHANTS = ("m_chaos_a", "m_chaos_b", "m_chaos_c")
SHORT_WINDOW_SECONDS = 15  # plans without refunds let their workflow complete during chaos
EXPIRY_SECONDS = 20


class Kind(StrEnum):
    """What the driver does with one payment."""

    AUTO = "auto"  # automatic capture
    AUTO_REFUND = "auto_refund"  # automatic capture, then 1-2 refunds
    MANUAL = "manual"  # manual, then a full or partial capture
    MANUAL_REFUND = "manual_refund"  # manual, capture, then 1-2 refunds
    HOLD = "hold"  # manual, never captured: stays authorized
    CANCEL = "cancel"  # manual, then cancel (void)
    EXPIRE = "expire"  # manual with a short authorization window: the timer voids it
    DECLINE = "decline"  # generic_decline at authorization
    INSUFFICIENT = "insufficient"  # insufficient_funds at the balance check
    CHALLENGE_APPROVE = "challenge_approve"  # 3-D Secure challenge approved, then captured
    CHALLENGE_DENY = "challenge_deny"  # 3-D Secure challenge denied: authentication_failed
    CHALLENGE_TIMEOUT = "challenge_timeout"  # never answered: authentication_timeout


CHALLENGES = (Kind.CHALLENGE_APPROVE, Kind.CHALLENGE_DENY, Kind.CHALLENGE_TIMEOUT)
AUTOMATIC = (Kind.AUTO, Kind.AUTO_REFUND, Kind.DECLINE, Kind.INSUFFICIENT, *CHALLENGES)


WEIGHTS = {Kind.AUTO: 22, Kind.AUTO_REFUND: 14, Kind.MANUAL: 16, Kind.MANUAL_REFUND: 12,
           Kind.HOLD: 5, Kind.CANCEL: 6, Kind.EXPIRE: 5, Kind.DECLINE: 10,
           Kind.INSUFFICIENT: 10, Kind.CHALLENGE_APPROVE: 8, Kind.CHALLENGE_DENY: 4,
           Kind.CHALLENGE_TIMEOUT: 3}  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """One payment: what to start, what to do afterwards, and when."""

    index: int
    payment_id: str
    kind: Kind
    merchant: str
    currency: Currency
    amount: int
    card: int
    """Index into the approved cards (decline and insufficient plans use their own card)."""
    capture: int | None = None
    """Manual capture amount; None captures everything."""
    refunds: tuple[int, ...] = ()
    start_at: float = 0.0
    think: float = 0.0

    @property
    def manual(self) -> bool:
        """Whether the plan uses manual capture."""
        return self.kind not in AUTOMATIC

    def refund_id(self, n: int) -> str:
        """The refund id (and update id) of the plan's ``n``-th refund."""
        return f"re_{self.payment_id}_{n}"


@dataclass(frozen=True)
class Expected:
    """The state and amounts a plan must end in."""

    status: PaymentStatus
    captured: int = 0
    refunded: int = 0
    failure_code: str | None = None


def expected(plan: Plan) -> Expected:
    """Where ``plan`` must end once the run has settled."""
    if plan.kind is Kind.DECLINE:
        return Expected(PaymentStatus.FAILED, failure_code=DeclineCode.GENERIC_DECLINE.value)
    if plan.kind is Kind.INSUFFICIENT:
        return Expected(PaymentStatus.FAILED, failure_code=DeclineCode.INSUFFICIENT_FUNDS.value)
    if plan.kind is Kind.CHALLENGE_DENY:
        return Expected(PaymentStatus.FAILED, failure_code=DeclineCode.AUTHENTICATION_FAILED.value)
    if plan.kind is Kind.CHALLENGE_TIMEOUT:
        return Expected(PaymentStatus.FAILED, failure_code=DeclineCode.AUTHENTICATION_TIMEOUT.value)
    simple = {Kind.HOLD: PaymentStatus.AUTHORIZED, Kind.CANCEL: PaymentStatus.CANCELED,
              Kind.EXPIRE: PaymentStatus.EXPIRED}  # fmt: skip
    if plan.kind in simple:
        return Expected(simple[plan.kind])
    captured = plan.capture or plan.amount
    refunded = sum(plan.refunds)
    status = PaymentStatus.CAPTURED
    if refunded:
        full = refunded == captured
        status = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
    return Expected(status, captured, refunded)


def _amount(rng: random.Random, currency: Currency) -> int:
    # Small enough that every card's credit limit (10,000.00) covers the whole run.
    return rng.randint(50, 400) if currency is Currency.JPY else rng.randint(100, 6000)


def _refunds(rng: random.Random, captured: int) -> tuple[int, ...]:
    """1-2 refunds; sometimes they add up to everything captured."""
    if captured < 4:
        return ()
    first = rng.randint(1, captured // 2)
    if rng.random() < 0.4:
        return (first,)
    rest = captured - first if rng.random() < 0.3 else rng.randint(1, (captured - first) // 2)
    return (first, rest)


def _kinds(rng: random.Random, count: int, challenges: bool) -> list[Kind]:
    """Seeded kinds; with ``challenges``, each challenge kind at least once (in 9+ plans)."""
    weights = {k: w for k, w in WEIGHTS.items() if challenges or k not in CHALLENGES}
    kinds = rng.choices(list(weights), list(weights.values()), k=count)
    if challenges and count >= 3 * len(CHALLENGES):
        for n, kind in enumerate(CHALLENGES):
            if kind not in kinds:  # early plans: their challenges wait through the chaos
                kinds[1 + 2 * n] = kind
    return kinds


def make_plans(
    seed: int, count: int, spread_seconds: float, cards: int, *, challenges: bool = True
) -> list[Plan]:
    """``count`` plans from ``seed``, starts spread uniformly over ``spread_seconds``.

    ``challenges``: 3-D Secure challenge cards in the mix (every processor must have 3-D Secure).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    plans = []
    for i, kind in enumerate(_kinds(rng, count, challenges)):
        currency = rng.choices([Currency.USD, Currency.EUR, Currency.JPY], [6, 3, 1])[0]
        amount = _amount(rng, currency)
        capture = None
        if kind in (Kind.MANUAL, Kind.MANUAL_REFUND) and rng.random() < 0.5:
            capture = rng.randint(max(1, amount // 3), amount)
        refunds: tuple[int, ...] = ()
        if kind in (Kind.AUTO_REFUND, Kind.MANUAL_REFUND):
            refunds = _refunds(rng, capture or amount)
        plans.append(Plan(
            index=i, payment_id=f"pay_chaos_{seed}_{i:04d}", kind=kind,
            merchant=rng.choice(MERCHANTS), currency=currency, amount=amount,
            card=rng.randrange(cards), capture=capture, refunds=refunds,
            start_at=rng.uniform(0, spread_seconds), think=rng.uniform(0.2, 4.0),
        ))  # fmt: skip
    return plans
