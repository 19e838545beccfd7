"""Exchanging raw card data for a vault token, at the edge, before any workflow starts."""

from __future__ import annotations

from datetime import date

from payments.cards import RawCard, ValidCard, validate_card
from payments.errors import ErrorKind, PaymentError
from payments.processor import ProcessorClient, ProcessorFailure
from stores.vault import CardVault, TokenizedCard


class CardRefused(PaymentError):
    """The processor refused the card at verification (e.g. a wrong CVC)."""

    kind = ErrorKind.DECLINED
    code = "card_declined"

    def __init__(self, message: str, *, decline_code: str) -> None:
        super().__init__(message, param="card")
        self.decline_code = decline_code


async def tokenize(
    card: RawCard, *, processor: ProcessorClient, vault: CardVault, today: date, merchant_id: str
) -> TokenizedCard:
    """Validate, verify the CVC once with the processor, then store the number in the vault.

    The CVC is sent to the processor and dropped; it is never stored or logged. The token
    belongs to ``merchant_id``: no other merchant can charge it.

    Raises:
        payments.cards.CardInvalid: For a malformed card, before any network call.
        CardRefused: If the processor refuses the card.
        ProcessorFailure: If the processor cannot be reached.
    """
    if not isinstance(card, ValidCard):  # the API validated it before claiming the key
        card = validate_card(card, today=today)
    body = {
        "number": card.number,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "cvc": card.cvc,
    }
    try:
        await processor.verify(body)
    except ProcessorFailure as failure:
        if failure.decline_code:
            raise CardRefused(failure.message, decline_code=failure.decline_code) from None
        raise
    return vault.tokenize(card.number, card.exp_month, card.exp_year, merchant_id=merchant_id)
