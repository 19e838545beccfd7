"""A processor's Retry-After reaches Temporal as the next attempt's delay, and nothing else does."""

from __future__ import annotations

from datetime import timedelta

from activities.outcomes import to_application_error
from payments.errors import DeclineCode, ErrorType
from processors.errors import ProcessorFailure


def test_retry_after_becomes_the_next_retry_delay() -> None:
    failure = ProcessorFailure(
        ErrorType.PROCESSOR_UNAVAILABLE, "rate_limited", "429", retry_after=7
    )
    error = to_application_error(failure)
    assert error.next_retry_delay == timedelta(seconds=7)
    assert not error.non_retryable


def test_no_retry_after_leaves_the_policy_alone() -> None:
    failure = ProcessorFailure(ErrorType.OUTCOME_UNKNOWN, "no_answer", "timeout")
    assert to_application_error(failure).next_retry_delay is None


def test_a_final_failure_has_no_retry_delay() -> None:
    failure = ProcessorFailure(
        ErrorType.CARD_DECLINED,
        "generic_decline",
        "declined",
        decline_code=DeclineCode.GENERIC_DECLINE,
        retry_after=5,
    )
    error = to_application_error(failure)
    assert error.non_retryable
    assert error.next_retry_delay is None
