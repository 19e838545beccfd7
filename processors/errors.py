"""The one exception a ``Processor`` raises, carrying a ``Refusal`` in the shared vocabulary."""

from __future__ import annotations

from payments.errors import DeclineCode, ErrorType
from processors.models import Refusal


class ProcessorFailure(Exception):
    """The processor refused, failed or did not answer.

    ``PROCESSOR_UNAVAILABLE`` proves nothing reached the processor; ``OUTCOME_UNKNOWN`` means it
    may have acted. Neither is ever a card decline (``decline_code`` is then ``None``).
    """

    def __init__(
        self,
        error_type: ErrorType,
        code: str,
        message: str,
        *,
        decline_code: DeclineCode | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds the processor asked to wait before a retry (e.g. ``Retry-After``), if any."""
        self.error_type = error_type
        self.code = code
        self.message = message
        self.decline_code = decline_code

    @property
    def refusal(self) -> Refusal:
        """The failure as data (e.g. inside an ``InquiryAnswer``)."""
        return Refusal(
            error_type=self.error_type,
            code=self.code,
            message=self.message,
            decline_code=self.decline_code,
        )

    @classmethod
    def of(cls, refusal: Refusal) -> ProcessorFailure:
        """The exception for a stored ``refusal``."""
        return cls(
            refusal.error_type, refusal.code, refusal.message, decline_code=refusal.decline_code
        )


def decline_code_of(raw: object) -> DeclineCode | None:
    """A processor's decline reason in the decline table; unknown reasons are generic."""
    if not raw:
        return None
    try:
        return DeclineCode(str(raw))
    except ValueError:
        return DeclineCode.GENERIC_DECLINE
