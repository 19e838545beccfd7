"""Error vocabulary and the single error body shape every endpoint answers with."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from simulator.cards import DeclineCode


class ErrorType(StrEnum):
    """Broad error categories, mirroring common processor APIs."""

    CARD_ERROR = "card_error"
    INVALID_REQUEST_ERROR = "invalid_request_error"
    API_ERROR = "api_error"
    IDEMPOTENCY_ERROR = "idempotency_error"


class ErrorCode(StrEnum):
    """Machine-readable error codes."""

    CARD_DECLINED = "card_declined"
    INVALID_NUMBER = "invalid_number"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_JSON = "invalid_json"
    PARAMETER_INVALID = "parameter_invalid"
    PARAMETER_MISSING = "parameter_missing"
    PARAMETER_UNKNOWN = "parameter_unknown"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    AUTHORIZATION_NOT_FOUND = "authorization_not_found"
    AUTHENTICATION_NOT_FOUND = "resource_missing"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    AUTHORIZATION_VOIDED = "authorization_voided"
    AUTHORIZATION_ALREADY_CAPTURED = "authorization_already_captured"
    AUTHORIZATION_NOT_CAPTURED = "authorization_not_captured"
    AMOUNT_TOO_LARGE = "amount_too_large"
    REQUEST_NOT_FOUND = "request_not_found"
    REQUEST_IN_PROGRESS = "request_in_progress"
    PROCESSING_ERROR = "processing_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INTERNAL_ERROR = "internal_error"


class ErrorDetail(BaseModel):
    """The inner error object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ErrorType
    code: ErrorCode
    decline_code: DeclineCode | None = None
    message: str


class ErrorBody(BaseModel):
    """The wire shape of every error response."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error: ErrorDetail


class SimError(Exception):
    """A business or request error that becomes a JSON error response.

    Messages are fixed English strings chosen by the simulator, never echoes of the input,
    so card data cannot leak through them.
    """

    def __init__(
        self,
        status: int,
        error_type: ErrorType,
        code: ErrorCode,
        message: str,
        decline_code: DeclineCode | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = ErrorDetail(
            type=error_type, code=code, decline_code=decline_code, message=message
        )

    def body(self) -> bytes:
        """Return the serialized error body."""
        return ErrorBody(error=self.detail).model_dump_json().encode()


class UnstoredError(SimError):
    """An error that had no effect and so is not saved under the idempotency key."""


_DECLINE_MESSAGES: dict[DeclineCode, str] = {
    DeclineCode.GENERIC_DECLINE: "The card was declined.",
    DeclineCode.INSUFFICIENT_FUNDS: "The card has insufficient funds for this amount.",
    DeclineCode.EXPIRED_CARD: "The card has expired.",
    DeclineCode.INCORRECT_CVC: "The card's security code is incorrect.",
    DeclineCode.STOLEN_CARD: "The card was declined.",
    DeclineCode.LOST_CARD: "The card was declined.",
    DeclineCode.AUTHENTICATION_REQUIRED: "The issuer requires 3-D Secure authentication.",
}


def decline(code: DeclineCode) -> SimError:
    """Return the 402 card_declined error for an issuer decline reason."""
    return SimError(
        402, ErrorType.CARD_ERROR, ErrorCode.CARD_DECLINED, _DECLINE_MESSAGES[code], code
    )


def invalid(code: ErrorCode, message: str) -> SimError:
    """Return a 400 invalid_request_error."""
    return SimError(400, ErrorType.INVALID_REQUEST_ERROR, code, message)


def conflict(code: ErrorCode, message: str) -> SimError:
    """Return a 409 invalid_request_error for a request that clashes with current state."""
    return SimError(409, ErrorType.INVALID_REQUEST_ERROR, code, message)
