"""Authorization: declines, failures, failover while no hold exists, and unknown outcomes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from payments.activity_io import AuthorizeResult, Inquiry
from payments.errors import ErrorType
from payments.models import CaptureMethod, PaymentOptions, PaymentView
from payments.status import PaymentEvent, PaymentStatus
from tests.factories import payment_request
from tests.workflows.fakes import (
    Script,
    circuit_open,
    declined,
    lost,
    processing_error,
    refused,
    unavailable,
)
from tests.workflows.harness import Tier

_S, _E = PaymentStatus, PaymentEvent
TWO = ["primary", "secondary"]


def _events(view: PaymentView) -> list[str]:
    return [t.event.value for t in view.transitions]


@pytest.mark.parametrize("code", ["generic_decline", "stolen_card", "insufficient_funds"])
async def test_a_decline_fails_with_its_reason(tier: Tier, code: str) -> None:
    req = payment_request()
    view = await tier.start(req, Script().fail("authorize", "primary", declined(code)))
    assert view.status is _S.FAILED
    assert view.failure is not None and view.failure.code == code
    assert _events(view) == ["declined"]
    assert tier.fake.effects(req.payment_id) == []


async def test_prepaid_card_short_of_funds_fails_at_the_balance_check(tier: Tier) -> None:
    short = payment_request(amount=501)
    view = await tier.start(short, Script(available=500))
    assert view.status is _S.FAILED and _events(view) == ["declined"]
    assert view.failure is not None and view.failure.code == "insufficient_funds"
    assert [c.step for c in tier.fake.calls[short.payment_id]] == ["check_balance"]
    exact = payment_request(amount=500)
    assert (await tier.start(exact, Script(available=500))).status is _S.CAPTURED


async def test_a_refused_request_fails_without_retry_or_failover(tier: Tier) -> None:
    script = Script(processors=TWO)
    script.fail("authorize", "primary", refused(ErrorType.INVALID_REQUEST, "parameter_invalid"))
    req = payment_request()
    view = await tier.start(req, script)
    assert (view.status, _events(view)) == (_S.FAILED, ["failed"])
    assert view.failure is not None and view.failure.code == "parameter_invalid"
    assert tier.fake.processors_called(req.payment_id) == {"primary"}


async def test_a_decline_is_not_retried_elsewhere(tier: Tier) -> None:
    req = payment_request()
    script = Script(processors=TWO).fail("authorize", "primary", declined("generic_decline"))
    view = await tier.start(req, script)
    assert view.status is _S.FAILED
    assert {a.processor for a in view.attempts} == {"primary"}
    assert tier.fake.processors_called(req.payment_id) == {"primary"}


async def test_a_retryable_error_is_retried_with_the_same_key(tier: Tier) -> None:
    req = payment_request()
    script = Script().fail("authorize", "primary", processing_error())
    view = await tier.start(req, script)
    assert view.status is _S.CAPTURED
    assert [a.outcome for a in view.attempts] == ["ok", "processor_unavailable", "approved"]
    keys = {c.key for c in tier.fake.calls[req.payment_id] if c.step == "authorize"}
    assert keys == {f"{req.payment_id}:authorize"}


async def test_unreachable_primary_fails_over_after_three_attempts(tier: Tier) -> None:
    script = Script(processors=TWO)
    script.fail("authorize", "primary", unavailable(), unavailable(), unavailable())
    req = payment_request(amount=2000)
    view = await tier.run(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    assert _events(view) == ["failed_over", "authorized", "captured"]
    assert [c.step for c in tier.fake.calls[req.payment_id] if c.processor == "primary"] == [
        "check_balance", "authorize", "authorize", "authorize"
    ]  # fmt: skip
    assert [(a.processor, a.step, a.outcome) for a in view.attempts][-2:] == [
        ("secondary", "balance", "ok"), ("secondary", "authorize", "approved")
    ]  # fmt: skip


async def test_settlement_stays_with_the_processor_that_authorized(tier: Tier) -> None:
    script = Script(processors=TWO).fail("check_balance", "primary", circuit_open("primary"))
    req = payment_request(amount=2000, capture=CaptureMethod.MANUAL)
    view = await tier.start(req, script, skip_time=False)
    assert (view.status, view.processor) == (_S.AUTHORIZED, "secondary")
    await tier.capture(req.payment_id, 1500)
    await tier.refund(req.payment_id, "re_sticky", 500)
    steps = [(c.processor, c.step) for c in tier.fake.calls[req.payment_id] if c.ok]
    assert steps == [("secondary", s) for s in ("check_balance", "authorize", "capture", "refund")]


async def test_an_open_breaker_fails_over_at_once(tier: Tier) -> None:
    script = Script(processors=TWO).fail("check_balance", "primary", circuit_open("primary"))
    req = payment_request()
    view = await tier.start(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    primary = [(a.step, a.outcome) for a in view.attempts if a.processor == "primary"]
    assert primary == [("balance", "processor_unavailable")]
    script = Script(processors=TWO).fail("authorize", "primary", circuit_open("primary"))
    req = payment_request()
    view = await tier.start(req, script)
    assert view.processor == "secondary"
    assert [c.step for c in tier.fake.calls[req.payment_id] if c.processor == "primary"] == [
        "check_balance",
        "authorize",
    ], "an open breaker is not retried"


async def test_every_processor_unavailable_fails_the_payment(tier: Tier) -> None:
    script = Script(processors=TWO)
    for name in TWO:
        script.fail("check_balance", name, circuit_open(name))
    view = await tier.run(payment_request(), script)
    assert view.status is _S.FAILED
    assert _events(view) == ["failed_over", "failed"]
    assert view.failure is not None and view.failure.code == "processor_unavailable"


def _auth(amount: int = 1000) -> AuthorizeResult:
    expires = datetime.now(UTC) + timedelta(days=8)
    return AuthorizeResult(authorization_id="auth_found", amount=amount, expires_at=expires)


async def test_a_lost_answer_is_found_by_inquiry_not_repeated_elsewhere(tier: Tier) -> None:
    req = payment_request(amount=2600)
    script = Script(processors=TWO, inquiry=Inquiry(found=True, authorization=_auth(2600)))
    script.fail("authorize", "primary", lost(), lost(), lost())
    view = await tier.start(req, script)
    assert (view.status, view.processor, view.authorization_id) == (
        _S.CAPTURED, "primary", "auth_found"
    )  # fmt: skip
    assert [a.outcome for a in view.attempts][-1] == "found"
    assert "secondary" not in tier.fake.processors_called(req.payment_id)
    assert _events(view) == ["authorized", "captured"], "answered in time: never flagged"


async def test_a_request_never_received_fails_over(tier: Tier) -> None:
    req = payment_request()
    script = Script(processors=TWO, inquiry=Inquiry(found=False))
    script.fail("authorize", "primary", lost(), circuit_open("primary"))
    view = await tier.start(req, script)
    assert (view.status, view.processor) == (_S.CAPTURED, "secondary")
    assert _events(view) == ["failed_over", "authorized", "captured"]


async def test_a_decline_found_by_inquiry_fails_the_payment(tier: Tier) -> None:
    req = payment_request()
    script = Script(processors=TWO, inquiry=Inquiry(found=True, decline_code="lost_card"))
    script.fail("authorize", "primary", lost(), circuit_open("primary"))
    view = await tier.start(req, script)
    assert (view.status, _events(view)) == (_S.FAILED, ["declined"])
    assert view.failure is not None and view.failure.code == "lost_card"
    assert "secondary" not in tier.fake.processors_called(req.payment_id)


async def test_an_unanswerable_outcome_is_flagged_then_resolved(tier: Tier) -> None:
    req = payment_request(amount=2800, options=PaymentOptions(unknown_outcome_alert_seconds=1))
    script = Script(processors=TWO, inquiry=Inquiry(found=True, authorization=_auth(2800)))
    script.fail("authorize", "primary", lost(), circuit_open("primary"))
    script.reachable.clear()
    view = await tier.start(req, script, skip_time=False)
    assert view.status is _S.OUTCOME_UNKNOWN
    found = [w async for w in tier.client.list_workflows(
        f"WorkflowId = '{req.payment_id}' AND PaymentStatus = 'outcome_unknown'"
    )]  # fmt: skip
    assert len(found) == 1, "operators find it by its search attribute"
    assert "secondary" not in tier.fake.processors_called(req.payment_id)
    script.reachable.set()
    for _ in range(100):
        view = await tier.view(req.payment_id)
        if view.status is _S.CAPTURED:
            break
        await asyncio.sleep(0.1)
    assert (view.status, view.processor) == (_S.CAPTURED, "primary")
    assert _events(view) == ["outcome_unknown", "resolved", "authorized", "captured"]
    assert "secondary" not in tier.fake.processors_called(req.payment_id)
