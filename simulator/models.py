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
    card: Card
    currency: Currency


class BalanceInquiryOut(Frozen):
    available: int
    currency: str
    funding: Funding


class VerifyIn(Frozen):
    number: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=9999)]
    cvc: Annotated[StrictStr, Field(pattern=r"^[0-9]{3,4}$")]


class VerifyOut(Frozen):
    brand: str
    last4: str
    funding: Funding


class AuthorizeIn(Frozen):
    card: Card
    amount: Amount
    currency: Currency
    merchant_id: MerchantId
    payment_id: Label
    step: Label
    hold_ttl_seconds: Annotated[StrictInt, Field(ge=1, le=HOLD_TTL_MAX)] = HOLD_TTL_DEFAULT


class AuthorizeOut(Frozen):
    id: str
    status: str = "approved"
    amount: int
    currency: str
    brand: str
    last4: str
    expires_at: str


class CaptureIn(Frozen):
    amount: Amount
    payment_id: Label
    step: Label


class CaptureOut(Frozen):
    id: str
    authorization_id: str
    amount: int
    currency: str
    status: str = "captured"


class VoidIn(Frozen):
    payment_id: Label
    step: Label


class VoidOut(Frozen):
    authorization_id: str
    status: str


class RefundIn(Frozen):
    authorization_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    amount: Amount
    payment_id: Label
    step: Label


class RefundOut(Frozen):
    id: str
    authorization_id: str
    amount: int
    currency: str
    status: str = "succeeded"


class HoldOut(Frozen):
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
    idempotency_key: str
    status_code: int
    body: dict[str, object]
