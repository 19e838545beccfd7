"""Search attributes the workflow upserts. None of them ever carries card data or e-mail."""

from __future__ import annotations

import sys

from temporalio.common import SearchAttributeKey

# The workflow's status (payments.status.PaymentStatus), not the API's word for it: the README's
# "Two names for one status" table (from api.views.API_STATUS) maps one to the other.
PAYMENT_STATUS = SearchAttributeKey.for_keyword("PaymentStatus")
PAYMENT_MERCHANT = SearchAttributeKey.for_keyword("PaymentMerchant")
PAYMENT_CURRENCY = SearchAttributeKey.for_keyword("PaymentCurrency")
PAYMENT_AMOUNT = SearchAttributeKey.for_int("PaymentAmount")
PAYMENT_FAILURE_CODE = SearchAttributeKey.for_keyword("PaymentFailureCode")
# On reconciliation runs, not payments: "clean" or the kinds of findings, e.g. "mismatch,stuck".
PAYMENT_ATTENTION = SearchAttributeKey.for_keyword("PaymentAttention")

ALL_KEYS = (
    PAYMENT_STATUS,
    PAYMENT_MERCHANT,
    PAYMENT_CURRENCY,
    PAYMENT_AMOUNT,
    PAYMENT_FAILURE_CODE,
    PAYMENT_ATTENTION,
)

_CLI_TYPE = {"KEYWORD": "Keyword", "INT": "Int"}


def dev_server_args() -> list[str]:
    """``temporal server start-dev`` flags that register every attribute."""
    args: list[str] = []
    for key in ALL_KEYS:
        args += ["--search-attribute", f"{key.name}={_CLI_TYPE[key.indexed_value_type.name]}"]
    return args


if __name__ == "__main__":
    sys.stdout.write(" ".join(dev_server_args()) + "\n")
