"""Breakers, failover order and tokenization's fallback, over the Protocol with fakes (no I/O)."""

from __future__ import annotations

from datetime import date

import pytest

from payments.cards import RawCard
from payments.errors import DeclineCode, ErrorType
from processors.errors import ProcessorFailure
from processors.fleet import Fleet
from processors.models import CardCheck, VerifiedCard
from processors.protocol import Processor
from processors.routing import ProcessorBoard
from processors.tokenize import CardRefused, tokenize, verify
from tests.processors.fakes import ScriptedProcessor

DOWN = ProcessorFailure(ErrorType.PROCESSOR_UNAVAILABLE, "connection_error", "refused")
DECLINED = ProcessorFailure(
    ErrorType.CARD_DECLINED, "card_declined", "no", decline_code=DeclineCode.INCORRECT_CVC
)
VERIFIED = VerifiedCard(brand="visa", last4="4242", funding="credit")
CARD = CardCheck(number="4242424242424242", exp_month=12, exp_year=date.today().year + 1,
                 cvc="123")  # fmt: skip


def _fleet(**processors: Processor) -> Fleet:
    board = ProcessorBoard({name: i for i, name in enumerate(processors)}, threshold=2,
                           reset_seconds=60, rate=1000, burst=10)  # fmt: skip
    return Fleet(processors, board)


async def test_unavailability_opens_the_breaker_and_reorders_the_route() -> None:
    primary = ScriptedProcessor(DOWN, DOWN)
    fleet = _fleet(primary=primary, secondary=ScriptedProcessor())
    for _ in range(2):
        with pytest.raises(ProcessorFailure):
            await fleet.call("primary", lambda p: p.verify_card(CARD), may_fail_over=True)
    assert fleet.order() == ["secondary", "primary"]
    with pytest.raises(ProcessorFailure) as refused:
        await fleet.call("primary", lambda p: p.verify_card(CARD), may_fail_over=True)
    assert refused.value.error_type is ErrorType.CIRCUIT_OPEN
    assert primary.calls == ["verify_card", "verify_card"], "an open breaker sends nothing"


async def test_a_decline_is_an_answer_not_an_outage() -> None:
    fleet = _fleet(primary=ScriptedProcessor(DECLINED, DECLINED, DECLINED))
    for _ in range(3):
        with pytest.raises(ProcessorFailure):
            await fleet.call("primary", lambda p: p.verify_card(CARD), may_fail_over=True)
    assert fleet.board.states() == {"primary": "closed"}


async def test_verification_moves_on_when_unreachable_but_never_after_a_decline() -> None:
    second = ScriptedProcessor(VERIFIED)
    await verify(CARD, [ScriptedProcessor(DOWN), second])
    assert second.calls == ["verify_card"]
    untouched = ScriptedProcessor(VERIFIED)
    with pytest.raises(CardRefused) as refused:
        await verify(CARD, [ScriptedProcessor(DECLINED), untouched])
    assert refused.value.decline_code is DeclineCode.INCORRECT_CVC and untouched.calls == []
    with pytest.raises(ProcessorFailure) as none:
        await verify(CARD, [ScriptedProcessor(DOWN), ScriptedProcessor(DOWN)])
    assert none.value.error_type is ErrorType.PROCESSOR_UNAVAILABLE


async def test_tokenize_uses_the_processors_and_vault_it_is_given() -> None:
    class Vault:
        def __init__(self) -> None:
            self.stored: list[str] = []

        async def tokenize(self, number: str, m: int, y: int, *, merchant_id: str) -> str:
            self.stored.append(merchant_id)
            return "pm_test"

    vault = Vault()
    raw = RawCard("4242424242424242", 12, date.today().year + 1, "123")
    token = await tokenize(raw, processors=[ScriptedProcessor(VERIFIED)], vault=vault,  # type: ignore[arg-type]
                           today=date.today(), merchant_id="m_1")  # fmt: skip
    assert token == "pm_test" and vault.stored == ["m_1"]
