"""Rules the API checks in code, stated in the OpenAPI document too (JSON Schema only).

The checks themselves stay where they answer with their own codes (``invalid_number``,
``parameter_missing``, ...); these annotations only make the document say the same.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StrictStr, StringConstraints
from pydantic.config import JsonDict

from payments.cards import CARD_LIKE
from payments.models import FreeText, MetadataKey


def documented(**schema: Any) -> Any:
    """A constraint shown in the document only (``Annotated[..., documented(...)]``)."""
    return Field(json_schema_extra=schema)


# Free text holding a card-like run of digits is refused (payments.cards.reject_card_like).
NOT_CARD_LIKE = documented(**{"not": {"pattern": CARD_LIKE.pattern}})
Text = Annotated[FreeText, NOT_CARD_LIKE]
Reason = Annotated[StrictStr, StringConstraints(max_length=200), NOT_CARD_LIKE]
Key = Annotated[MetadataKey, NOT_CARD_LIKE]

# What payments.cards.validate_card checks before the Luhn sum and the expiry date.
CardNumber = Annotated[
    StrictStr, StringConstraints(max_length=32), documented(pattern="^[0-9]{12,19}$")
]
Month = Annotated[StrictInt, documented(minimum=1, maximum=12)]
Year = Annotated[StrictInt, documented(minimum=2000, maximum=2100)]
Cvc = Annotated[StrictStr, StringConstraints(max_length=8), documented(pattern="^[0-9]{3,4}$")]

# A processor's configured name (infra.settings.ProcessorEndpoint) and its own PaymentMethod id
# (payments.models.ProcessorMethodId).
ProcessorName = Annotated[
    StrictStr, StringConstraints(max_length=32), documented(pattern="^[a-z0-9_\\-]{1,32}$")
]
ProcessorMethodId = Annotated[
    StrictStr, StringConstraints(max_length=255), documented(pattern="^pm_[A-Za-z0-9_]+$")
]

# What payments.webhook_urls.check_url checks first: an http(s) URL with a host and no white
# space; the rest (credentials, port range, the address's class) the document cannot state.
WebhookUrl = Annotated[
    StrictStr,
    StringConstraints(max_length=2048),
    documented(pattern="^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#@]+([/?#][^\\s]*)?$", format="uri"),
]


def exactly_one_of(*names: str) -> JsonDict:
    """JSON Schema: exactly one of ``names`` is present and not null (api.service.check_create)."""
    return {
        "oneOf": [{"required": [n], "properties": {n: {"not": {"type": "null"}}}} for n in names]
    }


# The simulator's always-approved Visa test card (cli.testcards), for the docs' "Try it out".
_CREATE_EXAMPLE: JsonDict = {
    "amount": 1999,
    "currency": "USD",
    "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"},
    "capture_method": "manual",
}
# CreatePayment as a whole.
CREATE_PAYMENT: JsonDict = {
    **exactly_one_of("card", "payment_method", "processor_payment_method"),
    "examples": [_CREATE_EXAMPLE],
}
