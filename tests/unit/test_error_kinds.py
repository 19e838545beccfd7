"""Domain errors carry a kind; a refused update crosses the workflow boundary whole, once; the API
maps kinds to HTTP in one table."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from api.errors import STATUS_OF_KIND, from_payment_error
from cli.errors import Exit, exit_for_kind
from facade.errors import refusal
from payments.errors import (
    AmountRejected,
    ErrorKind,
    NotFound,
    PaymentError,
    StateConflict,
    TemporalUnavailable,
    ValidationFailed,
)
from processors.tokenize import CardRefused
from workflows.failures import rejection

HTTP = {
    ErrorKind.INVALID: 400,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNPROCESSABLE: 422,
    ErrorKind.DECLINED: 402,
    ErrorKind.UNAVAILABLE: 503,
    ErrorKind.OUTCOME_UNKNOWN: 503,
}


def test_domain_errors_know_no_http() -> None:
    assert not hasattr(PaymentError, "status_code")
    assert not hasattr(CardRefused, "status_code")


def test_every_kind_has_one_http_answer() -> None:
    assert set(STATUS_OF_KIND) == set(ErrorKind)
    assert {kind: cls.status for kind, cls in STATUS_OF_KIND.items()} == HTTP


@pytest.mark.parametrize(
    "error",
    [
        StateConflict("payment is busy: capture is in progress"),
        AmountRejected("refund of 900 exceeds the refundable 500", param="amount"),
        ValidationFailed("reason must not contain a card number", param="reason"),
        NotFound("no such refund"),
        TemporalUnavailable("later"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_refused_update_comes_back_as_the_same_domain_error(error: PaymentError) -> None:
    back = refusal(rejection(error))
    assert type(back) is type(error)
    assert (back.kind, back.code, back.message, back.param) == (
        error.kind,
        error.code,
        error.message,
        error.param,
    )
    answer = from_payment_error(back)
    assert (answer.status, answer.code, answer.param) == (HTTP[error.kind], error.code, error.param)


def test_the_wire_type_of_a_refusal_is_unchanged() -> None:
    # The ApplicationError type is what histories and older facades know.
    assert rejection(AmountRejected("too much", param="amount")).type == "AmountTooLarge"
    assert rejection(StateConflict("busy")).type == "IllegalState"


@pytest.mark.parametrize(
    ("error_type", "kind"),
    [("AmountTooLarge", ErrorKind.UNPROCESSABLE), ("IllegalState", ErrorKind.CONFLICT)],
)
def test_a_refusal_from_an_older_worker_still_reads(error_type: str, kind: ErrorKind) -> None:
    old = ApplicationError("refused", "amount_too_large", type=error_type, non_retryable=True)
    assert refusal(old).kind is kind


def test_the_cli_exits_by_kind() -> None:
    assert exit_for_kind(CardRefused("no", decline_code="incorrect_cvc").kind) is Exit.DECLINED
    assert exit_for_kind(ErrorKind.UNAVAILABLE) is Exit.UNAVAILABLE
    assert exit_for_kind(ErrorKind.CONFLICT) is Exit.REFUSED
