"""Small secrets at rest (card numbers, webhook secrets) sealed with AES-256-GCM under a keyring."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag

from infra.keyring import Keyring

NONCE = 12


class SealError(Exception):
    """A sealed value names an unknown key or fails authentication."""


def seal(keyring: Keyring, context: bytes, plaintext: bytes) -> tuple[str, bytes]:
    """Encrypt under the active key; ``context`` (e.g. the row's id) is bound as associated data.

    Returns:
        The key id and ``nonce || ciphertext``.
    """
    key_id = keyring.active_id
    nonce = os.urandom(NONCE)
    aad = context + b":" + key_id.encode()
    return key_id, nonce + keyring.ciphers()[key_id].encrypt(nonce, plaintext, aad)


def unseal(keyring: Keyring, context: bytes, key_id: str, sealed: bytes) -> bytes:
    """Decrypt a value sealed by :func:`seal`.

    Raises:
        SealError: If the key is gone or the value or its context was tampered with.
    """
    cipher = keyring.ciphers().get(key_id)
    if cipher is None:
        raise SealError(f"sealed under unknown key {key_id!r}")
    try:
        return cipher.decrypt(sealed[:NONCE], sealed[NONCE:], context + b":" + key_id.encode())
    except InvalidTag:
        raise SealError("sealed value failed authentication") from None
