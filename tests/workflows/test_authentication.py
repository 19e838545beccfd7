"""3-D Secure as a durable wait: challenge approved, denied, unanswered; frictionless; refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facade import operations as ops
from payments.authentication import AuthenticationState
from payments.errors import StateConflict, ValidationFailed
from payments.models import PaymentOptions
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import payment_request
from tests.workflows.fakes import Script, unavailable
from tests.workflows.harness import Tier

_S, _E, _A = PaymentStatus, PaymentEvent, AuthenticationState


def _challenge() -> Script:
    return Script(three_ds=_A.CHALLENGE)


async def _waiting(tier: Tier, script: Script, notify: bool = False) -> str:
    req = payment_request(amount=2500, notify=notify)
    view = await tier.start(req, script, skip_time=False)
    assert view.status is _S.REQUIRES_ACTION
    assert view.challenge is not None and view.challenge.url.endswith(view.challenge.challenge_id)
    return req.payment_id


async def _answer(tier: Tier, pid: str, challenge_id: str | None = None) -> PaymentStatus:
    with tier.env.with_time_skipping_disabled():
        view = await ops.answer_challenge(tier.client, pid, challenge_id or f"acs_{pid}")
    return tier._record(view).status


async def test_an_approved_challenge_authorizes_and_captures(tier: Tier) -> None:
    script = _challenge()
    pid = await _waiting(tier, script, notify=True)
    script.acs = _A.AUTHENTICATED
    assert await _answer(tier, pid) is _S.CAPTURED
    final = await tier.result(pid)
    assert [t.event for t in final.transitions] == [
        _E.REQUIRES_ACTION, _E.AUTHENTICATED, _E.AUTHORIZED, _E.CAPTURED,
    ]  # fmt: skip
    keys = [c.key for c in tier.fake.calls[pid] if c.step == "authorize"]
    assert len(set(keys)) == 2, "the authorization after 3-D Secure has a key of its own"
    assert tier.fake.effects(pid)[-2:] == ["authorize", "capture"]
    assert "payment.requires_action" in tier.fake.notified[pid]


async def test_the_browser_alone_never_completes_a_challenge(tier: Tier) -> None:
    # The customer comes back, but the processor says the challenge is still open: keep waiting.
    script = _challenge()
    pid = await _waiting(tier, script)
    assert await _answer(tier, pid) is _S.REQUIRES_ACTION
    assert [c.step for c in tier.fake.calls[pid]][-1] == "confirm_authentication"
    script.acs = _A.FAILED
    assert await _answer(tier, pid) is _S.FAILED


async def test_a_denied_challenge_fails_without_any_hold(tier: Tier) -> None:
    script = _challenge()
    script.acs = _A.FAILED
    pid = await _waiting(tier, script)
    assert await _answer(tier, pid) is _S.FAILED
    final = await tier.result(pid)
    assert final.failure is not None and final.failure.code == "authentication_failed"
    assert (final.transitions[-1].from_status, final.transitions[-1].event) == (
        _S.REQUIRES_ACTION, _E.FAILED,
    )  # fmt: skip
    assert "capture" not in tier.fake.effects(pid)


async def test_a_wrong_challenge_or_a_settled_payment_is_refused(tier: Tier) -> None:
    script = _challenge()
    pid = await _waiting(tier, script)
    with pytest.raises(ValidationFailed):
        await _answer(tier, pid, "acs_someone_else")
    assert [c.step for c in tier.fake.calls[pid]][-1] == "start_authentication"
    script.acs = _A.AUTHENTICATED
    assert await _answer(tier, pid) is _S.CAPTURED
    with pytest.raises(StateConflict):
        await _answer(tier, pid)


async def test_no_answer_in_time_fails_with_the_timeout_code(tier: Tier) -> None:
    req = payment_request(options=PaymentOptions(authentication_timeout_seconds=900))
    final = await tier.run(req, _challenge())
    assert final.status is _S.FAILED
    assert final.failure is not None and final.failure.code == "authentication_timeout"
    waited = final.transitions[-1].at - final.transitions[0].at
    assert waited >= timedelta(seconds=900)
    steps = [c.step for c in tier.fake.calls[req.payment_id]]
    assert steps.count("confirm_authentication") == 1, "one last look at the processor"


async def test_a_frictionless_card_never_asks_the_customer(tier: Tier) -> None:
    req = payment_request()
    view = await tier.start(req, Script(three_ds=_A.AUTHENTICATED))
    assert view.status is _S.CAPTURED
    assert [t.event for t in view.transitions] == [_E.AUTHENTICATED, _E.AUTHORIZED, _E.CAPTURED]
    assert _S.REQUIRES_ACTION not in {t.to_status for t in view.transitions}


async def test_a_processor_without_3ds_fails_authentication_required(tier: Tier) -> None:
    req = payment_request()
    view = await tier.start(req, Script(three_ds=_A.UNSUPPORTED))
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == "authentication_required"


async def test_an_outage_after_the_approval_is_waited_out(tier: Tier) -> None:
    # Found by the chaos harness: the authenticated processor down for longer than its three
    # attempts failed a payment whose customer had approved the challenge.
    script = _challenge()
    pid = await _waiting(tier, script)
    script.acs = _A.AUTHENTICATED
    script.fail("authorize", "primary", *[unavailable() for _ in range(5)])
    assert await _answer(tier, pid) is _S.CAPTURED
    assert tier.fake.effects(pid)[-2:] == ["authorize", "capture"]
