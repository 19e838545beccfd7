"""The simulator's access control server (3-D Secure) on the wire: paths, bodies, answers."""

from __future__ import annotations

from typing import Any

from payments.authentication import AuthenticationState
from processors.authentication import AuthenticationRequest, AuthenticationStatus
from processors.simulator import wire


def start_body(req: AuthenticationRequest) -> dict[str, Any]:
    """Start 3-D Secure, labelled with the payment and step as every effect is."""
    return {
        "card": wire.card_body(req.card),
        "amount": req.amount.amount,
        "currency": req.amount.currency.value,
        "merchant_id": req.merchant_id,
        "payment_id": req.payment_id,
        "step": "authenticate",
        "expires_in_seconds": req.expires_in_seconds,
    } | ({"return_url": req.return_url} if req.return_url else {})


def lookup_path(authentication_id: str) -> str:
    """Where one authentication is read."""
    return f"{wire.AUTHENTICATIONS}/{authentication_id}"


def status(body: dict[str, Any]) -> AuthenticationStatus:
    """An authentication from the simulator's answer."""
    return AuthenticationStatus(
        authentication_id=body["id"],
        state=AuthenticationState(body["state"]),
        challenge_url=body.get("challenge_url"),
        expires_at=body["expires_at"],
    )
