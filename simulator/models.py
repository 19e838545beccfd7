"""Request and response bodies of the business API.

Every model is frozen and rejects unknown fields; numbers are strict so that a float,
string or boolean amount is refused instead of silently coerced.
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from simulator.cards import Funding

# Bounded so amounts always fit SQLite's 64-bit integers, even summed.
Amount = Annotated[StrictInt, Field(gt=0, le=10**15)]
Currency = Annotated[StrictStr, Field(min_length=1, max_length=8)]
Label = Annotated[StrictStr, Field(min_length=1, max_length=255)]
MerchantId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
HOLD_TTL_DEFAULT = 8 * 24 * 3600
HOLD_TTL_MAX = 366 * 24 * 3600


class Frozen(BaseModel):
    """Base for every wire body."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Card(Frozen):
    """Card details as sent by the client; never persisted."""

    # Format and Luhn are checked by the simulator so the error says invalid_number.
    number: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=9999)]


class BalanceInquiryIn(Frozen):
    """Which card and currency to report on."""

    card: Card
    currency: Currency


class BalanceInquiryOut(Frozen):
    """What the card could authorize now, in minor units."""

    available: int
    currency: str
    funding: Funding


class VerifyIn(Frozen):
    """A card with its CVC, checked once and never stored."""

    number: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=9999)]
    cvc: Annotated[StrictStr, Field(pattern=r"^[0-9]{3,4}$")]


class VerifyOut(Frozen):
    """What the simulator knows about a verified card."""

    brand: str
    last4: str
    funding: Funding


class AuthorizeIn(Frozen):
    """A request to place a hold."""

    card: Card
    amount: Amount
    currency: Currency
    merchant_id: MerchantId
    payment_id: Label
    step: Label
    hold_ttl_seconds: Annotated[StrictInt, Field(ge=1, le=HOLD_TTL_MAX)] = HOLD_TTL_DEFAULT
    authentication_id: Label | None = None


class AuthorizeOut(Frozen):
    """An approved hold."""

    id: str
    status: str = "approved"
    amount: int
    currency: str
    brand: str
    last4: str
    expires_at: str


class CaptureIn(Frozen):
    """How much of a hold to capture."""

    amount: Amount
    payment_id: Label
    step: Label


class CaptureOut(Frozen):
    """A completed capture."""

    id: str
    authorization_id: str
    amount: int
    currency: str
    status: str = "captured"


class VoidIn(Frozen):
    """A request to release a hold."""

    payment_id: Label
    step: Label


class VoidOut(Frozen):
    """The hold's final state after a void."""

    authorization_id: str
    status: str


class RefundIn(Frozen):
    """How much captured money to return."""

    authorization_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    amount: Amount
    payment_id: Label
    step: Label


class RefundOut(Frozen):
    """A completed refund."""

    id: str
    authorization_id: str
    amount: int
    currency: str
    status: str = "succeeded"


class HoldOut(Frozen):
    """The public view of a hold."""

    id: str
    state: str
    amount: int
    currency: str
    captured_amount: int
    refunded_amount: int
    expires_at: str
    payment_id: str
    merchant_id: str


class RequestStatusOut(Frozen):
    """The stored outcome of a completed request."""

    idempotency_key: str
    status_code: int
    body: dict[str, object]
