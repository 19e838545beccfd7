"""How the Stripe connector reads 3-D Secure off a PaymentIntent (no network)."""

from __future__ import annotations

from typing import Any

import pytest

from payments.authentication import AuthenticationState as S
from processors.stripe.three_ds import AUTH_FAILED, return_url, state_of, status_of

REDIRECT = {"type": "redirect_to_url",
            "redirect_to_url": {"url": "https://hooks.example/3ds", "return_url": "x"}}  # fmt: skip


@pytest.mark.parametrize(
    ("intent", "state"),
    [
        ({"status": "requires_capture"}, S.AUTHENTICATED),
        ({"status": "succeeded"}, S.AUTHENTICATED),
        ({"status": "requires_action", "next_action": REDIRECT}, S.CHALLENGE),
        ({"status": "requires_payment_method", "last_payment_error": {"code": AUTH_FAILED}},
         S.FAILED),
        ({"status": "requires_payment_method", "last_payment_error": {"code": "card_declined"}},
         S.FAILED),
        ({"status": "canceled"}, S.EXPIRED),
    ],
)  # fmt: skip
def test_the_intent_status_is_the_authentication_state(intent: dict[str, Any], state: S) -> None:
    assert state_of(intent) is state


def test_the_challenge_url_is_the_redirect_only_while_the_challenge_is_open() -> None:
    base = {"id": "pi_1", "created": 1_700_000_000, "metadata": {"payment_id": "pay_1"}}
    open_ = status_of({**base, "status": "requires_action", "next_action": REDIRECT})
    assert open_.challenge_url == "https://hooks.example/3ds"
    assert open_.authentication_id == "pi_1"
    done = status_of({**base, "status": "requires_capture", "next_action": REDIRECT})
    assert done.challenge_url is None and done.state is S.AUTHENTICATED


def test_the_return_url_carries_the_authentication_id() -> None:
    assert return_url("https://api.example/back", "pi_1") == (
        "https://api.example/back?authentication=pi_1"
    )
    assert return_url("https://api.example/back?a=1", "pi_1").endswith("?a=1&authentication=pi_1")
