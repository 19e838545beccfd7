"""The decline table and error types: one meaning per code, for merchants and customers."""

from __future__ import annotations

import pytest

from payments.errors import (
    DECLINES,
    DeclineCode,
    ErrorType,
    NextStep,
    decline_for,
    non_retryable_error_types,
)


def test_every_code_has_one_entry_in_both_languages() -> None:
    assert set(DECLINES) == set(DeclineCode)
    for code, d in DECLINES.items():
        assert d.code is code
        assert set(d.customer) == {"en", "zh"}
        assert d.merchant_message and all(d.customer.values())


@pytest.mark.parametrize(
    ("code", "retryable", "step"),
    [(DeclineCode.PROCESSING_ERROR, True, NextStep.RETRY_LATER),
     (DeclineCode.PROCESSOR_UNAVAILABLE, True, NextStep.RETRY_LATER),
     (DeclineCode.STOLEN_CARD, False, NextStep.CONTACT_BANK),
     (DeclineCode.INCORRECT_CVC, False, NextStep.CHECK_CARD_DETAILS),
     (DeclineCode.INSUFFICIENT_FUNDS, False, NextStep.TRY_ANOTHER_CARD)],
)  # fmt: skip
def test_what_a_code_means(code: DeclineCode, retryable: bool, step: NextStep) -> None:
    assert (decline_for(code).retryable, decline_for(code).next_step) == (retryable, step)


def test_a_stolen_card_is_not_revealed_to_the_customer() -> None:
    stolen = decline_for("stolen_card")
    assert "stolen" in stolen.merchant_message
    assert stolen.customer_message() == decline_for("generic_decline").customer_message()


def test_unknown_codes_read_as_a_generic_decline_and_languages_fall_back() -> None:
    assert decline_for("a_reason_no_table_has") is DECLINES[DeclineCode.GENERIC_DECLINE]
    assert decline_for("expired_card").customer_message("fr") == "Your card has expired."
    assert decline_for("expired_card").customer_message("zh") == "您的银行卡已过期。"


def test_processor_unavailable_is_not_a_card_decline() -> None:
    unavailable = decline_for("processor_unavailable")
    assert unavailable.retryable and "nothing was charged" in unavailable.merchant_message


def test_only_transient_failures_are_retried() -> None:
    retried = {t for t in ErrorType if t.retryable}
    assert retried == {
        ErrorType.PROCESSOR_UNAVAILABLE,
        ErrorType.PROCESSOR_ERROR,
        ErrorType.OUTCOME_UNKNOWN,
        ErrorType.WEBHOOK_UNDELIVERED,
        ErrorType.STORE_UNAVAILABLE,
    }
    assert set(non_retryable_error_types()) == {t.value for t in ErrorType} - retried
    assert "CardDeclined" in non_retryable_error_types()
    assert "CircuitOpen" in non_retryable_error_types(), "an open breaker fails over at once"
