"""The Stripe connector's tables and rules that need no server: errors, money, the key."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import stripe

from infra.settings import ProcessorEndpoint
from payments.errors import DECLINES, DeclineCode, ErrorType
from payments.money import Currency, Money
from processors.authentication import Authenticator
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.models import ReleaseStatus
from processors.protocol import Processor
from processors.registry import Shared, build
from processors.stripe import wire
from processors.stripe.adapter import CAPABILITIES, StripeProcessor
from processors.stripe.config import MissingApiKey, UnsafeSdkLogging, api_key_of, quiet_sdk_logs
from processors.stripe.failures import failure_of
from processors.stripe.money import check_amount
from tests.processors import support


def card_error(code: str, decline_code: str | None = None) -> stripe.CardError:
    error = {"type": "card_error", "code": code, "message": "declined"}
    if decline_code:
        error["decline_code"] = decline_code
    return stripe.CardError("declined", None, code, http_status=402, json_body={"error": error})


@pytest.mark.parametrize(
    ("code", "decline_code", "expected"),
    [
        ("card_declined", "generic_decline", DeclineCode.GENERIC_DECLINE),
        ("card_declined", "insufficient_funds", DeclineCode.INSUFFICIENT_FUNDS),
        ("card_declined", "lost_card", DeclineCode.LOST_CARD),
        ("card_declined", "stolen_card", DeclineCode.STOLEN_CARD),
        ("card_declined", "do_not_honor", DeclineCode.DO_NOT_HONOR),
        ("card_declined", "card_velocity_exceeded", DeclineCode.CARD_VELOCITY_EXCEEDED),
        ("card_declined", "pickup_card", DeclineCode.GENERIC_DECLINE),
        ("card_declined", None, DeclineCode.GENERIC_DECLINE),
        ("expired_card", "expired_card", DeclineCode.EXPIRED_CARD),
        ("incorrect_cvc", "incorrect_cvc", DeclineCode.INCORRECT_CVC),
        ("incorrect_number", None, DeclineCode.INVALID_NUMBER),
        ("processing_error", None, DeclineCode.PROCESSING_ERROR),
        ("authentication_required", "authentication_required",
         DeclineCode.AUTHENTICATION_REQUIRED),
    ],
)  # fmt: skip
def test_card_errors_map_into_the_decline_table(
    code: str, decline_code: str | None, expected: DeclineCode
) -> None:
    failure = failure_of(card_error(code, decline_code))
    assert failure.error_type is ErrorType.CARD_DECLINED and failure.decline_code is expected
    assert {"en", "zh"} <= set(DECLINES[expected].customer)


def with_headers(exc: stripe.StripeError, **headers: str) -> stripe.StripeError:
    exc.headers = {k.replace("_", "-"): v for k, v in headers.items()}
    return exc


@pytest.mark.parametrize(
    ("exc", "error_type", "retry_after"),
    [
        (with_headers(stripe.RateLimitError("slow down", http_status=429), Retry_After="2"),
         ErrorType.PROCESSOR_UNAVAILABLE, 2.0),
        (with_headers(stripe.APIError("boom", http_status=500), Stripe_Should_Retry="false"),
         ErrorType.OUTCOME_UNKNOWN, None),
        (stripe.APIError("bad gateway", http_status=502), ErrorType.OUTCOME_UNKNOWN, None),
        (with_headers(stripe.APIError("lock", http_status=409, code="lock_timeout"),
                      Stripe_Should_Retry="true", Retry_After="1"),
         ErrorType.OUTCOME_UNKNOWN, 1.0),
        (stripe.AuthenticationError("bad key", http_status=401),
         ErrorType.PROCESSOR_UNAVAILABLE, None),
        (stripe.IdempotencyError("other params", http_status=400, code="idempotency_error"),
         ErrorType.IDEMPOTENCY_CONFLICT, None),
        (stripe.IdempotencyError("busy", http_status=409, code="idempotency_key_in_use"),
         ErrorType.OUTCOME_UNKNOWN, None),
        (stripe.InvalidRequestError("too much", "amount", code="amount_too_large",
                                    http_status=400), ErrorType.AMOUNT_TOO_LARGE, None),
        (stripe.InvalidRequestError("canceled", None, code="payment_intent_unexpected_state",
                                    http_status=400), ErrorType.ILLEGAL_STATE, None),
        (stripe.InvalidRequestError("refunded", None, code="charge_already_refunded",
                                    http_status=400), ErrorType.AMOUNT_TOO_LARGE, None),
        (stripe.InvalidRequestError("no such", "id", code="resource_missing", http_status=404),
         ErrorType.INVALID_REQUEST, None),
    ],
    ids=["429", "500", "502", "409-lock", "401", "idem-conflict", "idem-in-use", "too-large",
         "unexpected-state", "over-refund", "missing"],
)  # fmt: skip
def test_api_errors_follow_the_retry_and_unknown_outcome_rules(
    exc: stripe.StripeError, error_type: ErrorType, retry_after: float | None
) -> None:
    failure = failure_of(exc)
    assert failure.error_type is error_type and failure.decline_code is None
    assert failure.retry_after == retry_after


def connection_error(cause: Exception) -> stripe.APIConnectionError:
    try:
        raise stripe.APIConnectionError("network") from cause
    except stripe.APIConnectionError as exc:
        return exc


def test_a_connection_error_is_unavailable_only_if_nothing_was_sent() -> None:
    key = aiohttp.client_reqrep.ConnectionKey("h", 1, False, True, None, None, None)
    refused = aiohttp.ClientConnectorError(key, OSError(111, "refused"))
    assert failure_of(connection_error(refused)).error_type is ErrorType.PROCESSOR_UNAVAILABLE
    dropped = aiohttp.ServerDisconnectedError()
    assert failure_of(connection_error(dropped)).error_type is ErrorType.OUTCOME_UNKNOWN
    assert failure_of(connection_error(TimeoutError())).error_type is ErrorType.OUTCOME_UNKNOWN


def test_an_intent_waiting_for_3ds_is_authentication_required() -> None:
    failure = wire.not_held({"id": "pi_1", "status": "requires_action"})
    assert failure is not None and failure.decline_code is DeclineCode.AUTHENTICATION_REQUIRED
    assert wire.not_held({"id": "pi_1", "status": "requires_capture"}) is None


@pytest.mark.parametrize(
    ("amount", "currency", "charge", "code"),
    [
        (1005, Currency.KWD, False, "amount_not_divisible"),
        (1000, Currency.KWD, True, None),
        (49, Currency.JPY, True, "amount_too_small"),
        (49, Currency.USD, True, "amount_too_small"),
        (1, Currency.USD, False, None),
        (500, Currency.JPY, True, None),
    ],
)  # fmt: skip
def test_amounts_stripe_refuses_are_refused_first(
    amount: int, currency: Currency, charge: bool, code: str | None
) -> None:
    money = Money(amount=amount, currency=currency)
    if code is None:
        check_amount(money, charge=charge)
        return
    with pytest.raises(ProcessorFailure) as caught:
        check_amount(money, charge=charge)
    assert caught.value.error_type is ErrorType.INVALID_REQUEST and caught.value.code == code


def endpoint(**kwargs: Any) -> ProcessorEndpoint:
    return ProcessorEndpoint(name="eu", kind="stripe", url="http://127.0.0.1:1", **kwargs)


def test_the_key_comes_from_a_file_or_a_variable_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk_test_" + "z" * 24
    (tmp_path / "key").write_text(secret + "\n")
    assert api_key_of(endpoint(api_key_file=tmp_path / "key")) == secret
    monkeypatch.setenv("STRIPE_EU_KEY", secret)
    assert api_key_of(endpoint(api_key_env="STRIPE_EU_KEY")) == secret
    assert secret not in repr(endpoint(api_key_env="STRIPE_EU_KEY"))
    with pytest.raises(MissingApiKey, match="api_key_file or api_key_env"):
        api_key_of(endpoint())
    monkeypatch.setenv("STRIPE_EU_KEY", "")
    with pytest.raises(MissingApiKey, match="STRIPE_EU_KEY is empty"):
        api_key_of(endpoint(api_key_env="STRIPE_EU_KEY"))


async def test_the_registry_builds_stripe_and_refuses_kwd_before_calling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_EU_KEY", "sk_test_unit")
    async with aiohttp.ClientSession() as http:
        processor = build(endpoint(api_key_env="STRIPE_EU_KEY"), Shared(http))
        assert isinstance(processor, Processor) and processor.kind == "stripe"
        ask = support.authorize("4242424242424242", 1005).model_copy(
            update={"amount": Money(amount=1005, currency=Currency.KWD)}
        )
        # Nothing listens on port 1: an INVALID_REQUEST (not unavailable) proves no call.
        with pytest.raises(ProcessorFailure) as caught:
            await processor.authorize(ask)
    assert caught.value.error_type is ErrorType.INVALID_REQUEST


def test_a_hold_stripe_canceled_itself_reads_as_expired() -> None:
    lapsed = {"id": "pi_1", "status": "canceled", "cancellation_reason": "automatic"}
    assert wire.released(lapsed).status is ReleaseStatus.EXPIRED
    assert wire.released({"id": "pi_1", "status": "canceled"}).status is ReleaseStatus.VOIDED
    with pytest.raises(ProcessorFailure) as caught:
        wire.expect({"id": "pi_1", "status": "canceled"}, "succeeded")
    assert caught.value.error_type is ErrorType.ILLEGAL_STATE


def test_the_sdk_never_logs_request_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    logging.getLogger("stripe").setLevel(logging.DEBUG)
    quiet_sdk_logs()
    assert logging.getLogger("stripe").getEffectiveLevel() >= logging.WARNING
    monkeypatch.setenv("STRIPE_LOG", "debug")
    with pytest.raises(UnsafeSdkLogging):
        quiet_sdk_logs()


def test_stripe_declares_3ds_and_is_an_authenticator() -> None:
    # Proven on localstripe with the redirect_to_url stand-in (stack/localstripe_3ds.py).
    assert CAPABILITIES.has(Capability.THREE_D_SECURE)
    assert issubclass(StripeProcessor, Authenticator)
