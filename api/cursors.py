"""The opaque ``next_page`` tokens of the payment list: a position in the payment index."""

from __future__ import annotations

import base64
import binascii
import json

from api.errors import InvalidRequest
from stores.payment_index import Position


def encode_cursor(position: Position) -> str:
    """An opaque ``next_page`` token for ``position``."""
    raw = json.dumps([position[0], position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(page: str) -> Position:
    """The position a ``next_page`` token stands for.

    Raises:
        InvalidRequest: ``page`` is not a token this API made (400 ``parameter_invalid``).
    """
    try:
        raw = base64.urlsafe_b64decode(page.encode("ascii") + b"=" * (-len(page) % 4))
        created_us, payment_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        created_us = payment_id = None
    if type(created_us) is not int or not isinstance(payment_id, str) or created_us < 0:
        raise InvalidRequest(
            "page is not a cursor from next_page", code="parameter_invalid", param="page"
        )
    return created_us, payment_id
