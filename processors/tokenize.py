"""Exchanging raw card data for a vault token, at the edge, before any workflow starts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from payments.cards import RawCard, ValidCard, validate_card
from payments.errors import DeclineCode, ErrorKind, ErrorType, PaymentError
from processors.errors import ProcessorFailure
from processors.models import CardCheck
from processors.protocol import Processor
from stores.vault import CardVault, TokenizedCard


class CardRefused(PaymentError):
    """The processor refused the card at verification (e.g. a wrong CVC)."""

    kind = ErrorKind.DECLINED
    code = "card_declined"

    def __init__(self, message: str, *, decline_code: DeclineCode) -> None:
        super().__init__(message, param="card")
        self.decline_code = decline_code


async def verify(card: CardCheck, processors: Sequence[Processor]) -> None:
    """Check the card at the first processor (in the order given) that answers.

    A processor that cannot be reached or answers with a retryable failure passes the check
    to the next one; a refusal is final.

    Raises:
        CardRefused: If a processor declines the card.
        ProcessorFailure: If none answers (the last failure), or for a final non-decline.
    """
    if not processors:
        raise ProcessorFailure(
            ErrorType.PROCESSOR_UNAVAILABLE, "no_processor", "no processor is configured"
        )
    for i, processor in enumerate(processors):
        try:
            await processor.verify_card(card)
            return
        except ProcessorFailure as failure:
            if failure.decline_code is not None:
                raise CardRefused(failure.message, decline_code=failure.decline_code) from None
            if not failure.error_type.retryable or i == len(processors) - 1:
                raise


async def tokenize(
    card: RawCard,
    *,
    processors: Sequence[Processor],
    vault: CardVault,
    today: date,
    merchant_id: str,
) -> TokenizedCard:
    """Validate, verify the CVC once with a processor, then store the number in the vault.

    Takes the process's held processors (in routing order) and vault: nothing is opened per
    call. The CVC is sent to the processor and dropped; it is never stored or logged. The
    token belongs to ``merchant_id``: no other merchant can charge it.

    Raises:
        payments.cards.CardInvalid: For a malformed card, before any network call.
        CardRefused: If the processor refuses the card.
        ProcessorFailure: If no processor can be reached.
    """
    if not isinstance(card, ValidCard):  # the API validated it before claiming the key
        card = validate_card(card, today=today)
    check = CardCheck(
        number=card.number, exp_month=card.exp_month, exp_year=card.exp_year, cvc=card.cvc
    )
    await verify(check, processors)
    return await vault.tokenize(card.number, card.exp_month, card.exp_year, merchant_id=merchant_id)
