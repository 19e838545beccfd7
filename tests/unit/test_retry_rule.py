"""The retry-after-a-decline rule: one table, covering every failure code, copied in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from payments.errors import DeclineCode, StateConflict, ValidationFailed
from payments.models import PaymentOptions
from payments.retry import (
    ANOTHER_CARD_MAY_CURE,
    NewPaymentMethod,
    another_card_may_cure,
    check_attach,
)
from payments.state import PaymentState
from payments.status import PaymentStatus
from tests.factories import NOW, card_facts, payment_request

DOC = Path(__file__).resolve().parents[2] / "docs" / "payments.md"


def test_every_failure_code_has_a_rule() -> None:
    assert set(ANOTHER_CARD_MAY_CURE) == set(DeclineCode)
    assert not another_card_may_cure("card_not_found"), "unknown codes are final"


def test_the_docs_table_says_what_the_code_says() -> None:
    section = DOC.read_text().split("## Retry after a decline", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, bool] = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) == 3 and cells[1] in ("yes", "no"):
            for code in re.findall(r"`([a-z_]+)`", cells[0]):
                documented[code] = cells[1] == "yes"
    assert documented == {c.value: cure for c, cure in ANOTHER_CARD_MAY_CURE.items()}


def _waiting(attempt: int = 1) -> PaymentState:
    req = payment_request(options=PaymentOptions(max_payment_attempts=2))
    s = PaymentState(request=req.model_copy(update={"retry_on_decline": True}), created_at=NOW)
    s.status, s.attempt = PaymentStatus.REQUIRES_PAYMENT_METHOD, attempt
    return s


def test_the_validator_refuses_clearly() -> None:
    check_attach(_waiting(), NewPaymentMethod(card=card_facts()))
    with pytest.raises(StateConflict, match="no attempt left: this payment allows 2 cards"):
        check_attach(_waiting(attempt=2), NewPaymentMethod(card=card_facts()))
    s = _waiting()
    with pytest.raises(ValidationFailed, match="just declined"):
        check_attach(s, NewPaymentMethod(card=s.request.card))
    s.next_card = card_facts()
    with pytest.raises(StateConflict, match="busy"):
        check_attach(s, NewPaymentMethod(card=card_facts()))
