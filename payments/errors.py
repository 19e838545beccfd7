"""Error types, the decline table and the one error base class.

``ErrorType`` is the only source of ``non_retryable_error_types``; ``DECLINES`` is the only
place that says what a processor outcome means, for the merchant and for the customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorType(StrEnum):
    """Types of ``ApplicationError`` raised by activities and update handlers."""

    CARD_DECLINED = "CardDeclined"
    INVALID_REQUEST = "InvalidRequest"
    ILLEGAL_STATE = "IllegalState"
    AMOUNT_TOO_LARGE = "AmountTooLarge"
    IDEMPOTENCY_CONFLICT = "IdempotencyConflict"
    CARD_NOT_FOUND = "CardNotFound"
    PROCESSOR_UNAVAILABLE = "ProcessorUnavailable"
    PROCESSOR_ERROR = "ProcessorError"
    OUTCOME_UNKNOWN = "OutcomeUnknown"
    CIRCUIT_OPEN = "CircuitOpen"
    """Refused by this worker's breaker before sending: fail over now rather than retry."""
    WEBHOOK_UNDELIVERED = "WebhookUndelivered"
    STORE_UNAVAILABLE = "StoreUnavailable"
    """Our own database (the card vault) was unreachable: the processor was never called."""

    @property
    def retryable(self) -> bool:
        """Whether Temporal should retry an activity that failed with this type."""
        return self in _RETRYABLE


_RETRYABLE = frozenset(
    {
        ErrorType.PROCESSOR_UNAVAILABLE,
        ErrorType.PROCESSOR_ERROR,
        ErrorType.OUTCOME_UNKNOWN,
        ErrorType.WEBHOOK_UNDELIVERED,
        ErrorType.STORE_UNAVAILABLE,
    }
)


def non_retryable_error_types() -> list[str]:
    """The list every retry policy passes as ``non_retryable_error_types``."""
    return [t.value for t in ErrorType if not t.retryable]


class NextStep(StrEnum):
    """What the customer can do about a failure."""

    TRY_ANOTHER_CARD = "try_another_card"
    CONTACT_BANK = "contact_bank"
    CHECK_CARD_DETAILS = "check_card_details"
    RETRY_LATER = "retry_later"
    CONTACT_MERCHANT = "contact_merchant"


class DeclineCode(StrEnum):
    """Failure codes a payment can end with."""

    GENERIC_DECLINE = "generic_decline"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    INCORRECT_CVC = "incorrect_cvc"
    STOLEN_CARD = "stolen_card"
    LOST_CARD = "lost_card"
    INVALID_NUMBER = "invalid_number"
    PROCESSING_ERROR = "processing_error"
    PROCESSOR_UNAVAILABLE = "processor_unavailable"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    DO_NOT_HONOR = "do_not_honor"
    CARD_VELOCITY_EXCEEDED = "card_velocity_exceeded"
    AUTHENTICATION_REQUIRED = "authentication_required"
    """The issuer asks for 3-D Secure (SCA) and this processor cannot run the challenge."""
    AUTHENTICATION_FAILED = "authentication_failed"
    AUTHENTICATION_TIMEOUT = "authentication_timeout"
    PAYMENT_ATTEMPTS_EXHAUSTED = "payment_attempts_exhausted"
    PAYMENT_METHOD_TIMEOUT = "payment_method_timeout"
    CANCELED_BY_MERCHANT = "canceled_by_merchant"


@dataclass(frozen=True, slots=True)
class Decline:
    """What one failure code means. ``customer`` maps a language tag to a message."""

    code: DeclineCode
    retryable: bool
    merchant_message: str
    customer: dict[str, str] = field(default_factory=dict)
    next_step: NextStep = NextStep.CONTACT_MERCHANT

    def customer_message(self, language: str = "en") -> str:
        """The customer-facing message in ``language``, falling back to English."""
        return self.customer.get(language, self.customer["en"])


def _d(
    code: DeclineCode, retryable: bool, merchant: str, en: str, zh: str, step: NextStep
) -> Decline:
    return Decline(code, retryable, merchant, {"en": en, "zh": zh}, step)


_C, _N = DeclineCode, NextStep
DECLINES: dict[DeclineCode, Decline] = {
    d.code: d
    for d in (
        _d(
            _C.GENERIC_DECLINE,
            False,
            "The issuer declined the card without giving a reason.",
            "Your card was declined.",
            "您的银行卡被拒绝。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.INSUFFICIENT_FUNDS,
            False,
            "The card has too little available balance or credit.",
            "Your card has insufficient funds.",
            "您的银行卡余额不足。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.EXPIRED_CARD,
            False,
            "The card has expired.",
            "Your card has expired.",
            "您的银行卡已过期。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.INCORRECT_CVC,
            False,
            "The card's security code is incorrect.",
            "Your card's security code is incorrect.",
            "您的银行卡安全码不正确。",
            _N.CHECK_CARD_DETAILS,
        ),
        _d(
            _C.STOLEN_CARD,
            False,
            "The issuer reports the card stolen; do not retry it.",
            "Your card was declined.",
            "您的银行卡被拒绝。",
            _N.CONTACT_BANK,
        ),
        _d(
            _C.LOST_CARD,
            False,
            "The issuer reports the card lost; do not retry it.",
            "Your card was declined.",
            "您的银行卡被拒绝。",
            _N.CONTACT_BANK,
        ),
        _d(
            _C.INVALID_NUMBER,
            False,
            "The card number is not a valid card number.",
            "Your card number is incorrect.",
            "您的卡号不正确。",
            _N.CHECK_CARD_DETAILS,
        ),
        _d(
            _C.PROCESSING_ERROR,
            True,
            "The processor had an error; the request is retried.",
            "We could not process your card. Please try again.",
            "暂时无法处理您的银行卡，请稍后重试。",
            _N.RETRY_LATER,
        ),
        _d(
            _C.PROCESSOR_UNAVAILABLE,
            True,
            "No processor answered within the retry budget; nothing was charged. Retry later as"
            " a new payment (a new Idempotency-Key).",
            "We could not reach the payment network. Please try again later.",
            "暂时无法连接支付网络，请稍后重试。",
            _N.RETRY_LATER,
        ),
        _d(
            _C.AUTHORIZATION_EXPIRED,
            False,
            "The authorization lapsed before it was captured.",
            "Your payment authorization expired; nothing was charged.",
            "您的支付授权已过期，未产生任何扣款。",
            _N.CONTACT_MERCHANT,
        ),
        _d(
            _C.DO_NOT_HONOR,
            False,
            "The issuer declined the card (do not honor); the customer should ask the bank.",
            "Your card was declined. Please contact your bank.",
            "您的银行卡被拒绝，请联系发卡银行。",
            _N.CONTACT_BANK,
        ),
        _d(
            _C.CARD_VELOCITY_EXCEEDED,
            False,
            "The card exceeded its issuer's limit on amount or number of payments.",
            "Your card has reached its spending limit. Please try another card.",
            "您的银行卡已超出消费限额，请更换其他银行卡。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.AUTHENTICATION_REQUIRED,
            False,
            "The issuer requires 3-D Secure authentication, which this payment did not have.",
            "Your bank requires you to confirm this payment. Please try again or use another card.",
            "您的银行要求验证此笔付款，请重试或更换其他银行卡。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.AUTHENTICATION_FAILED,
            False,
            "The customer failed or refused the 3-D Secure challenge; nothing was charged.",
            "Your bank could not confirm this payment. Nothing was charged.",
            "您的银行未能验证此笔付款，未产生任何扣款。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.AUTHENTICATION_TIMEOUT,
            False,
            "The customer did not complete the 3-D Secure challenge in time; nothing was charged.",
            "This payment was not confirmed in time. Nothing was charged; please try again.",
            "此笔付款未在规定时间内完成验证，未产生任何扣款，请重试。",
            _N.TRY_ANOTHER_CARD,
        ),
        _d(
            _C.PAYMENT_ATTEMPTS_EXHAUSTED,
            False,
            "Every card the customer tried was declined and no attempt is left; nothing was"
            " charged.",
            "None of the cards you tried was accepted. Nothing was charged.",
            "您尝试的银行卡均未被接受，未产生任何扣款。",
            _N.CONTACT_MERCHANT,
        ),
        _d(
            _C.PAYMENT_METHOD_TIMEOUT,
            False,
            "The customer attached no other card in time after a decline; nothing was charged.",
            "This payment was not completed in time. Nothing was charged.",
            "此笔付款未在规定时间内完成，未产生任何扣款。",
            _N.CONTACT_MERCHANT,
        ),
        _d(
            _C.CANCELED_BY_MERCHANT,
            False,
            "The merchant canceled the payment while it waited for another card; nothing was"
            " charged.",
            "This payment was canceled by the merchant. Nothing was charged.",
            "此笔付款已被商家取消，未产生任何扣款。",
            _N.CONTACT_MERCHANT,
        ),
    )
}


def decline_for(code: str) -> Decline:
    """The table entry for a processor's code, or the generic decline for an unknown code."""
    try:
        return DECLINES[DeclineCode(code)]
    except ValueError:
        return DECLINES[DeclineCode.GENERIC_DECLINE]


class ErrorKind(StrEnum):
    """What kind of refusal a domain error is; each edge maps kinds to its own answers.

    The API maps them to HTTP statuses in one table (``api.errors``), the CLI to exit statuses.
    """

    INVALID = "invalid"
    """The input breaks a rule; nothing started or changed."""
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    """The payment's status does not allow the operation (now)."""
    UNPROCESSABLE = "unprocessable"
    """Well-formed but not allowed here, e.g. an amount above what is left."""
    DECLINED = "declined"
    UNAVAILABLE = "unavailable"
    """Temporal or the processors could not be reached; a retry is safe."""
    OUTCOME_UNKNOWN = "outcome_unknown"


class PaymentError(Exception):
    """Base for errors shown to people: a kind, a stable code, a message and the parameter."""

    kind: ErrorKind = ErrorKind.INVALID
    code: str = "invalid_request"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class ValidationFailed(PaymentError):
    """Input was refused before anything started or changed."""

    kind = ErrorKind.INVALID
    code = "invalid_request"


class NotFound(PaymentError):
    """No such payment (or not one the caller may see)."""

    kind = ErrorKind.NOT_FOUND
    code = "resource_missing"


class StateConflict(PaymentError):
    """The payment's status does not allow the operation."""

    kind = ErrorKind.CONFLICT
    code = "payment_state_conflict"


class AmountRejected(PaymentError):
    """An amount is well-formed but not allowed here (e.g. above the refundable amount)."""

    kind = ErrorKind.UNPROCESSABLE
    code = "amount_too_large"


class TemporalUnavailable(PaymentError):
    """Temporal could not be reached; nothing is known to have changed, so a retry is safe."""

    kind = ErrorKind.UNAVAILABLE
    code = "temporal_unavailable"


_BY_KIND: dict[ErrorKind, type[PaymentError]] = {
    ErrorKind.INVALID: ValidationFailed,
    ErrorKind.NOT_FOUND: NotFound,
    ErrorKind.CONFLICT: StateConflict,
    ErrorKind.UNPROCESSABLE: AmountRejected,
    ErrorKind.UNAVAILABLE: TemporalUnavailable,
}


def error_of(kind: ErrorKind, message: str, *, code: str, param: str | None) -> PaymentError:
    """Rebuild a domain error that crossed a boundary (a refused workflow update) as its kind."""
    error = _BY_KIND.get(kind, PaymentError)(message, param=param)
    error.code, error.kind = code, kind
    return error
