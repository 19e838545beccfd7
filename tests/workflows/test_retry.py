"""Retry after a decline: another card on the same payment, until attempts, time or the merchant
end it; each card's calls have keys of their own, and only the authorizing one moves money."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facade import operations as ops
from payments.authentication import AuthenticationState
from payments.errors import StateConflict, ValidationFailed
from payments.models import CaptureMethod, CardFacts, PaymentOptions, PaymentRequest, PaymentView
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import card_facts, payment_request
from tests.workflows.fakes import Script, declined, unavailable
from tests.workflows.harness import Tier

_S, _E, _A = PaymentStatus, PaymentEvent, AuthenticationState


def _request(attempts: int = 3, timeout: int = 3600, notify: bool = False) -> PaymentRequest:
    options = PaymentOptions(max_payment_attempts=attempts, payment_method_timeout_seconds=timeout)
    req = payment_request(options=options, notify=notify)
    first = req.card.model_copy(update={"last4": "0002"})
    return req.model_copy(update={"retry_on_decline": True, "card": first})


def _declining(*codes: str) -> Script:
    """Each authorize answers the next decline; the processor remembers each key's answer."""
    return Script(declines={}).fail("authorize", "primary", *(declined(c) for c in codes))


async def _declined(tier: Tier, script: Script, req: PaymentRequest | None = None) -> str:
    req = req or _request()
    view = await tier.start(req, script, skip_time=False)
    assert view.status is _S.REQUIRES_PAYMENT_METHOD
    return req.payment_id


async def _attach(tier: Tier, pid: str, card: CardFacts | None = None) -> PaymentView:
    with tier.env.with_time_skipping_disabled():
        return tier._record(await ops.attach_payment_method(tier.client, pid, card or card_facts()))


async def test_a_declined_card_then_a_good_one_succeeds_on_one_payment(tier: Tier) -> None:
    req = _request(notify=True)
    pid = await _declined(tier, _declining("insufficient_funds"), req)
    waiting = await tier.view(pid)
    assert waiting.failure is not None and waiting.failure.code == "insufficient_funds"
    assert (await _attach(tier, pid)).status is _S.CAPTURED
    final = await tier.result(pid)
    assert final.payment_id == pid and final.failure is None
    assert [t.event for t in final.transitions] == [
        _E.REQUIRES_PAYMENT_METHOD, _E.PAYMENT_METHOD_ATTACHED, _E.AUTHORIZED, _E.CAPTURED,
    ]  # fmt: skip
    details = [t.detail or "" for t in final.transitions]
    assert "attempt 1, card ending 0002: declined insufficient_funds" in details[0]
    assert "attempt 2, card ending 4242" in details[1] and "attempt 2" in details[2]
    calls = [c for c in tier.fake.calls[pid] if c.step == "authorize"]
    assert [c.ok for c in calls] == [False, True]
    assert calls[0].key != calls[1].key, "each card's authorization has a key of its own"
    assert tier.fake.effects(pid).count("authorize") == 1
    assert "payment.requires_payment_method" in tier.fake.notified[pid]


async def test_the_attempts_run_out(tier: Tier) -> None:
    req = _request(attempts=2)
    pid = await _declined(tier, _declining("do_not_honor", "generic_decline"), req)
    view = await _attach(tier, pid)
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "payment_attempts_exhausted"
    assert "attempt 2, card ending 4242: declined generic_decline" in (
        view.transitions[-1].detail or ""
    )
    with pytest.raises(StateConflict, match="no longer change"):
        await _attach(tier, pid)
    assert "authorize" not in tier.fake.effects(pid)


async def test_no_other_card_before_the_deadline_fails_the_payment(tier: Tier) -> None:
    req = _request(timeout=1800)
    final = await tier.run(req, _declining("insufficient_funds"))
    assert final.status is _S.FAILED
    assert final.failure is not None and final.failure.code == "payment_method_timeout"
    waited = final.transitions[-1].at - final.transitions[0].at
    assert waited >= timedelta(seconds=1800)
    assert (final.transitions[-1].from_status, final.transitions[-1].event) == (
        _S.REQUIRES_PAYMENT_METHOD, _E.FAILED,
    )  # fmt: skip


async def test_the_merchant_cancels_a_payment_waiting_for_a_card(tier: Tier) -> None:
    pid = await _declined(tier, _declining("expired_card"))
    with tier.env.with_time_skipping_disabled():
        view = await tier.cancel(pid)
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "canceled_by_merchant"
    with pytest.raises(StateConflict):
        await _attach(tier, pid)
    assert "void" not in tier.fake.effects(pid), "nothing was held, nothing to release"


async def test_refused_cards_change_nothing(tier: Tier) -> None:
    req = _request()
    pid = await _declined(tier, _declining("insufficient_funds"), req)
    before = await tier.history_length(pid)
    with pytest.raises(ValidationFailed, match="just declined"):
        await _attach(tier, pid, req.card)
    no_token = CardFacts(brand="visa", last4="1111", exp_month=1, exp_year=2031)
    with pytest.raises(ValidationFailed, match="required"):
        await _attach(tier, pid, no_token)
    assert await tier.history_length(pid) == before
    assert (await tier.view(pid)).status is _S.REQUIRES_PAYMENT_METHOD
    assert (await _attach(tier, pid)).status is _S.CAPTURED
    # The payment's workflow closes once captured: the facade refuses what its update would.
    with pytest.raises(StateConflict):
        await _attach(tier, pid)


async def test_a_payment_without_retry_on_decline_takes_no_other_card(tier: Tier) -> None:
    declined_req = payment_request()
    view = await tier.start(declined_req, _declining("insufficient_funds"))
    assert view.status is _S.FAILED, "a decline ends it as before"
    req = payment_request(capture=CaptureMethod.MANUAL)
    assert (await tier.start(req, skip_time=False)).status is _S.AUTHORIZED
    with pytest.raises(StateConflict, match="not created with retry_on_decline"):
        await _attach(tier, req.payment_id)
    with tier.env.with_time_skipping_disabled():
        assert (await tier.cancel(req.payment_id)).status is _S.CANCELED


@pytest.mark.parametrize("script", [_declining("stolen_card"), Script()], ids=["fraud", "outage"])
async def test_final_failures_never_ask_for_another_card(tier: Tier, script: Script) -> None:
    if not script.failures:
        script.fail("authorize", "primary", *[unavailable()] * 3)
    view = await tier.start(_request(), script)
    assert view.status is _S.FAILED
    assert _S.REQUIRES_PAYMENT_METHOD not in {t.to_status for t in view.transitions}


async def test_a_3ds_card_as_the_next_card_goes_through_its_challenge(tier: Tier) -> None:
    script = _declining("insufficient_funds")
    pid = await _declined(tier, script)
    script.three_ds = _A.CHALLENGE
    assert (await _attach(tier, pid)).status is _S.REQUIRES_ACTION
    script.acs = _A.AUTHENTICATED
    with tier.env.with_time_skipping_disabled():
        view = await ops.answer_challenge(tier.client, pid, f"acs_{pid}")
    assert tier._record(view).status is _S.CAPTURED
    assert tier.fake.effects(pid).count("authorize") == 1


async def test_a_denied_challenge_lets_the_customer_try_another_card(tier: Tier) -> None:
    script = Script(three_ds=_A.CHALLENGE, acs=_A.FAILED)
    req = _request()
    view = await tier.start(req, script, skip_time=False)
    assert view.status is _S.REQUIRES_ACTION
    with tier.env.with_time_skipping_disabled():
        answered = await ops.answer_challenge(tier.client, req.payment_id, f"acs_{req.payment_id}")
    assert tier._record(answered).status is _S.REQUIRES_PAYMENT_METHOD
    script.three_ds = None
    assert (await _attach(tier, req.payment_id)).status is _S.CAPTURED
