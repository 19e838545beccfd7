"""Names for the simulator's public test cards (see docs/simulator.md); not real cards."""

from __future__ import annotations

TEST_CARDS: dict[str, str] = {
    "visa": "4242424242424242",
    "mastercard": "5555555555554444",
    "decline": "4000000000000002",
    "insufficient": "4000000000009995",
    "expired": "4000000000000069",
    "incorrect_cvc": "4000000000000127",
    "stolen": "4000000000009979",
    "lost": "4000000000009987",
    "processing_error": "4000000000000119",
    "prepaid5": "4000000000000507",
    "prepaid25": "4000000000002503",
    "challenge": "4000000000003220",
    "frictionless": "4000000000003055",
    "challenge_fails": "4000008400001280",
}


def card_number(name_or_number: str) -> str:
    """A test card's number by name, or the number itself with spaces and dashes removed."""
    return TEST_CARDS.get(name_or_number, name_or_number.replace(" ", "").replace("-", ""))
