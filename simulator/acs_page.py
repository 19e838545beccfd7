"""The challenge page an issuer's access control server shows: plain HTML, no JavaScript."""

from html import escape

from simulator.cards import CURRENCY_EXPONENTS

_HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title><style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;"
    "padding:0 1rem}}button{{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem}}</style>"
    "</head><body><h1>{title}</h1>"
)


def _amount(minor: int, currency: str) -> str:
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    major = minor / 10**exponent if exponent else minor
    return f"{major:.{exponent}f} {currency}"


def challenge(auth_id: str, merchant_id: str, amount: int, currency: str) -> str:
    """The page with the approve and deny buttons, posting back to the page's own address."""
    title = "Confirm this payment"
    return (
        _HEAD.format(title=title) + "<p>Your bank asks you to confirm a payment of "
        f"<strong>{escape(_amount(amount, currency))}</strong> to "
        f"<strong>{escape(merchant_id)}</strong>.</p>"
        f'<form method="post" action="/acs/{escape(auth_id)}">'
        '<button type="submit" name="result" value="approve">Approve</button>'
        '<button type="submit" name="result" value="deny">Deny</button>'
        "</form></body></html>"
    )


def decided(state: str) -> str:
    """The page after the answer (or for a challenge no longer open), when no return URL is set."""
    words = {
        "authenticated": "Payment confirmed. You can return to the shop.",
        "failed": "Payment not confirmed. You can return to the shop.",
        "expired": "This confirmation has expired. You can return to the shop.",
    }
    title = "Confirmation"
    return _HEAD.format(title=title) + f"<p>{escape(words.get(state, state))}</p></body></html>"
