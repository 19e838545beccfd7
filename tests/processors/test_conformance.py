"""The processor conformance suite: what every ``Processor`` adapter must do, on a live target.

Parametrized over ``TARGETS`` (tests/processors/conftest.py): the simulator, Stripe on
localstripe (issue 13 adds Stripe on a contract double). A case needing a capability the target
does not declare is skipped, never weakened; a case a fake cannot run is skipped with its reason
(``Target.skips``).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from payments.errors import DECLINES, DeclineCode, ErrorType
from processors.books import EffectKind
from processors.capabilities import Capabilities, Capability
from processors.errors import ProcessorFailure
from processors.models import (
    Authorization,
    Capture,
    CardCheck,
    Operation,
    ReleaseStatus,
    RequestState,
)
from processors.protocol import Processor
from processors.registry import Shared, build
from processors.tokenize import CardRefused, verify
from stack.ports import free_port
from tests.processors import support as s
from tests.processors.targets import Target


def need(processor: Processor, *capabilities: Capability) -> None:
    """Skip unless the processor declares every one of ``capabilities``."""
    missing = [c for c in capabilities if not processor.capabilities.has(c)]
    if missing:
        pytest.skip(f"{processor.kind} does not declare {', '.join(missing)}")


async def refused(call: object) -> ProcessorFailure:
    """The ``ProcessorFailure`` an awaited call raises."""
    with pytest.raises(ProcessorFailure) as caught:
        await call  # type: ignore[misc]
    return caught.value


async def test_declares_its_kind_and_capabilities(processor: Processor, target: Target) -> None:
    assert isinstance(processor, Processor)
    assert processor.kind == target.kind
    assert isinstance(processor.capabilities, Capabilities)
    assert processor.capabilities.supported == target.capabilities
    assert processor.capabilities.currencies, "a processor takes at least one currency"


async def test_authorize_then_capture_in_full(processor: Processor, target: Target) -> None:
    ask = s.authorize(target.approve, 1500)
    auth = await processor.authorize(ask)
    assert auth.amount == 1500 and auth.expires_at > datetime.now(UTC)
    done = await processor.capture(s.capture(ask, auth.authorization_id, 1500))
    assert done.amount == 1500
    effects = await s.effects_of(processor, ask.payment_id)
    assert [e.operation for e in effects] == [EffectKind.AUTHORIZE, EffectKind.CAPTURE]


async def test_partial_capture_releases_the_rest(processor: Processor, target: Target) -> None:
    need(processor, Capability.PARTIAL_CAPTURE, Capability.PARTIAL_REFUND)
    ask = s.authorize(target.approve, 1000)
    auth = await processor.authorize(ask)
    assert (await processor.capture(s.capture(ask, auth.authorization_id, 600))).amount == 600
    over = await refused(processor.refund(s.refund(ask, auth.authorization_id, 601, 1)))
    assert over.error_type is ErrorType.AMOUNT_TOO_LARGE and over.decline_code is None


async def test_void_releases_and_ends_the_hold(processor: Processor, target: Target) -> None:
    ask = s.authorize(target.approve)
    auth = await processor.authorize(ask)
    assert (await processor.void(s.void(ask, auth.authorization_id))).status is ReleaseStatus.VOIDED
    late = await refused(processor.capture(s.capture(ask, auth.authorization_id, 1000)))
    assert late.error_type is ErrorType.ILLEGAL_STATE and not late.error_type.retryable


async def test_refunds_partial_multiple_and_never_more_than_captured(
    processor: Processor, target: Target
) -> None:
    need(processor, Capability.PARTIAL_REFUND, Capability.MULTIPLE_REFUNDS)
    ask = s.authorize(target.approve, 1000)
    auth_id = (await processor.authorize(ask)).authorization_id
    await processor.capture(s.capture(ask, auth_id, 1000))
    assert (await processor.refund(s.refund(ask, auth_id, 300, 1))).amount == 300
    assert (await processor.refund(s.refund(ask, auth_id, 700, 2))).amount == 700
    over = await refused(processor.refund(s.refund(ask, auth_id, 1, 3)))
    assert over.error_type is ErrorType.AMOUNT_TOO_LARGE and not over.error_type.retryable
    refunds = [e for e in await s.effects_of(processor, ask.payment_id) if e.operation == "refund"]
    assert sorted(e.amount for e in refunds) == [300, 700]


async def test_same_key_replays_the_answer_with_one_effect(
    processor: Processor, target: Target
) -> None:
    ask = s.authorize(target.approve, 800)
    first, again = await processor.authorize(ask), await processor.authorize(ask)
    assert again == first
    cap = s.capture(ask, first.authorization_id, 800)
    assert await processor.capture(cap) == await processor.capture(cap)
    ref = s.refund(ask, first.authorization_id, 100, 1)
    assert await processor.refund(ref) == await processor.refund(ref)
    ops = [e.operation for e in await s.effects_of(processor, ask.payment_id)]
    assert ops == [EffectKind.AUTHORIZE, EffectKind.CAPTURE, EffectKind.REFUND]


async def test_inquiry_tells_applied_from_never_received(
    processor: Processor, target: Target
) -> None:
    need(processor, Capability.INQUIRY_BY_KEY)
    ask = s.authorize(target.approve)
    question = s.inquiry(ask, Operation.AUTHORIZE)
    never = await processor.inquire(question)
    assert never.state is RequestState.NEVER_RECEIVED and never.result is None
    auth = await processor.authorize(ask)
    applied = await processor.inquire(question)
    assert applied.state is RequestState.APPLIED and applied.result == auth
    cap = s.capture(ask, auth.authorization_id, 1000)
    done = await processor.capture(cap)
    asked = s.inquiry(cap, Operation.CAPTURE)
    found = await processor.inquire(asked)
    assert isinstance(found.result, Capture) and found.result == done


@pytest.mark.parametrize("reason", [DeclineCode.GENERIC_DECLINE, DeclineCode.INSUFFICIENT_FUNDS])
async def test_declines_come_from_the_decline_table(
    processor: Processor, target: Target, reason: DeclineCode
) -> None:
    ask = s.authorize(target.declines[reason])
    declined = await refused(processor.authorize(ask))
    assert declined.error_type is ErrorType.CARD_DECLINED and not declined.error_type.retryable
    assert declined.decline_code is reason and reason in DECLINES
    if processor.capabilities.has(Capability.INQUIRY_BY_KEY):
        question = s.inquiry(ask, Operation.AUTHORIZE)
        stored = await processor.inquire(question)
        assert stored.refusal is not None and stored.refusal.decline_code is reason


async def test_incorrect_cvc_is_refused_at_verification(
    processor: Processor, target: Target
) -> None:
    good = CardCheck(**s.card(target.approve).model_dump(), cvc="123")
    assert (await processor.verify_card(good)).last4 == target.approve[-4:]
    bad = CardCheck(**s.card(target.incorrect_cvc).model_dump(), cvc="999")
    with pytest.raises(CardRefused) as caught:
        await verify(bad, [processor])
    assert caught.value.decline_code is DeclineCode.INCORRECT_CVC
    assert "999" not in repr(bad) and target.incorrect_cvc not in repr(bad)


async def test_an_outage_is_retryable_and_never_a_decline(
    processor: Processor, target: Target
) -> None:
    with target.faults.outage():
        failure = await refused(processor.authorize(s.authorize(target.approve)))
    assert failure.error_type.retryable and failure.decline_code is None
    assert failure.error_type is not ErrorType.CARD_DECLINED


async def test_nothing_listening_is_unavailable_not_a_decline(
    target: Target, shared: Shared
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    processor = build(target.endpoint(dead), shared)
    failure = await refused(processor.authorize(s.authorize(target.approve)))
    assert failure.error_type is ErrorType.PROCESSOR_UNAVAILABLE and failure.decline_code is None


async def test_a_lost_answer_is_unknown_then_found_by_inquiry(
    processor: Processor, target: Target
) -> None:
    need(processor, Capability.INQUIRY_BY_KEY)
    ask = s.authorize(target.approve)
    with target.faults.lost_answers(seconds=4):
        lost = await refused(processor.authorize(ask))
        assert lost.error_type is ErrorType.OUTCOME_UNKNOWN and lost.decline_code is None
        await asyncio.sleep(0.2)  # the effect is committed before the answer is held back
        question = s.inquiry(ask, Operation.AUTHORIZE)
        found = await processor.inquire(question)
    assert found.state in (RequestState.APPLIED, RequestState.IN_PROGRESS)
    if found.state is RequestState.APPLIED:
        assert isinstance(found.result, Authorization) and found.result.amount == 1000


async def test_effects_since_a_time(processor: Processor, target: Target) -> None:
    need(processor, Capability.EFFECTS_REPORT)
    before = datetime.now(UTC) - timedelta(seconds=1)
    ask = s.authorize(target.approve, 1200)
    auth = await processor.authorize(ask)
    await processor.void(s.void(ask, auth.authorization_id))
    mine = [e for e in await processor.effects_since(before) if e.payment_id == ask.payment_id]
    assert [(e.operation, e.amount) for e in mine] == [("authorize", 1200), ("void", 1200)]
    assert all(e.at >= before for e in mine)
    later = await processor.effects_since(datetime.now(UTC) + timedelta(minutes=5))
    assert all(e.payment_id != ask.payment_id for e in later)
