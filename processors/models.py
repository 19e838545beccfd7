"""What goes into and comes out of a ``Processor``: frozen models, no dicts, no wire shapes.

Amounts are integer minor units; capture, void and refund amounts are in the currency of the
authorization they act on. Card numbers and CVCs never show in a model's ``repr``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from payments.errors import DeclineCode, ErrorType
from payments.money import Currency, MinorUnits, Money, PositiveMinorUnits

CardNumber = Annotated[str, Field(pattern=r"^[0-9]{12,19}$", repr=False)]
Month = Annotated[StrictInt, Field(ge=1, le=12)]
Year = Annotated[StrictInt, Field(ge=2000, le=9999)]
Key = Annotated[str, Field(min_length=1, max_length=255)]
"""A stable idempotency key: the same for every attempt of one step of one payment."""


class Frozen(BaseModel):
    """Base of every processor model."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Card(Frozen):
    """A card as the vault returns it: number and expiry, never a CVC."""

    number: CardNumber
    exp_month: Month
    exp_year: Year


class CardCheck(Card):
    """A card with its CVC, checked once at tokenization and then dropped."""

    cvc: Annotated[str, Field(pattern=r"^[0-9]{3,4}$", repr=False)]


class VerifiedCard(Frozen):
    """What verification learned about a card (nothing secret)."""

    brand: str
    last4: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    funding: str


class BalanceRequest(Frozen):
    """How much ``card`` can spend in ``currency`` (capability ``balance_check``)."""

    card: Card
    currency: Currency


class Balance(Frozen):
    """Available balance or credit, in minor units of the asked currency."""

    available: MinorUnits
    funding: str


class AuthorizeRequest(Frozen):
    """Place a hold of ``amount`` on ``card`` for ``merchant_id``'s payment ``payment_id``."""

    idempotency_key: Key
    payment_id: str
    merchant_id: str
    card: Card | None = None
    payment_method_id: str | None = None
    """Instead of ``card``: the processor's own PaymentMethod (capability
    ``processor_payment_methods``). Exactly one of the two is set."""
    amount: Money
    hold_ttl_seconds: Annotated[StrictInt, Field(gt=0)]
    """How long the processor keeps the hold (honoured with capability ``hold_ttl``)."""
    authentication_id: str | None = None
    """A 3-D Secure authentication of this payment that succeeded (capability
    ``three_d_secure``)."""

    @model_validator(mode="after")
    def _one_card_source(self) -> AuthorizeRequest:
        if (self.card is None) == (self.payment_method_id is None):
            raise ValueError("exactly one of card and payment_method_id")
        return self


class PaymentMethodFacts(Frozen):
    """What a processor tells about one of its own PaymentMethods (nothing secret)."""

    brand: str
    last4: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    exp_month: Month
    exp_year: Year


class Authorization(Frozen):
    """An approved hold."""

    kind: Literal["authorization"] = "authorization"
    authorization_id: str
    amount: MinorUnits
    expires_at: datetime


class CaptureRequest(Frozen):
    """Post ``amount`` of a hold; the processor releases the rest."""

    idempotency_key: Key
    payment_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class Capture(Frozen):
    """A posted capture."""

    kind: Literal["capture"] = "capture"
    capture_id: str
    amount: MinorUnits


class VoidRequest(Frozen):
    """Release a hold without capturing it."""

    idempotency_key: Key
    payment_id: str
    authorization_id: str


class ReleaseStatus(StrEnum):
    """How a hold ended after a void: released now, or it had already lapsed."""

    VOIDED = "voided"
    EXPIRED = "expired"


class Release(Frozen):
    """The hold's end after a void."""

    kind: Literal["release"] = "release"
    status: ReleaseStatus


class RefundRequest(Frozen):
    """Return ``amount`` of captured money under our refund id ``refund_id``."""

    idempotency_key: Key
    payment_id: str
    refund_id: str
    authorization_id: str
    amount: PositiveMinorUnits


class RefundMade(Frozen):
    """A refund the processor made."""

    kind: Literal["refund"] = "refund"
    refund_id: str
    amount: MinorUnits


class Operation(StrEnum):
    """The money calls, as inquiries and effects name them."""

    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


class InquiryRequest(Frozen):
    """What became of the ``operation`` sent with ``idempotency_key`` for ``payment_id``?"""

    idempotency_key: Key
    operation: Operation
    payment_id: str


class RequestState(StrEnum):
    """What a processor knows about a key."""

    APPLIED = "applied"
    """It answered the request: with a result or a refusal, both final."""
    IN_PROGRESS = "in_progress"
    """It received the request and has not finished: ask again later."""
    NEVER_RECEIVED = "never_received"
    """It has no trace of the key: nothing happened, sending again is safe."""


class Refusal(Frozen):
    """A final or retryable failure, in the one vocabulary of ``payments.errors``.

    ``code`` is a short machine word (where the domain knows it, a ``DeclineCode`` value such
    as ``authorization_expired``); ``decline_code`` is set for card declines only.
    """

    error_type: ErrorType
    code: str
    message: str
    decline_code: DeclineCode | None = None


Result = Annotated[Authorization | Capture | Release | RefundMade, Field(discriminator="kind")]
"""The answer to one money call."""


class InquiryAnswer(Frozen):
    """The processor's account of one key: ``result`` or ``refusal`` when ``APPLIED``."""

    state: RequestState
    result: Result | None = None
    refusal: Refusal | None = None
