"""AES-256-GCM payload codec with key ids bound into the associated data."""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from infra.keyring import Keyring

ENCODING = b"binary/encrypted"
CIPHER = b"AES-256-GCM"
KEY_ID_META = "encryption-key-id"
NONCE_BYTES = 12
_AAD_PREFIX = b"temporal-payments/payload/v1:"


class CodecError(Exception):
    """A payload could not be decrypted; never falls back to treating it as plaintext."""


class EncryptionCodec(PayloadCodec):
    """Encrypts every payload with the active key; decrypts with whichever key id it names."""

    def __init__(self, keyring: Keyring) -> None:
        """Create a codec over ``keyring``."""
        self._active_id = keyring.active_id
        self._ciphers = keyring.ciphers()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Encrypt each payload with the active key."""
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Decrypt each payload; fail closed on anything not encrypted by a known key."""
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        """Encrypt one payload (synchronous, for the codec server and tests)."""
        key_id = self._active_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._active_id].encrypt(
            nonce, payload.SerializeToString(), _AAD_PREFIX + key_id
        )
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID_META: key_id, "encryption-cipher": CIPHER},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        """Decrypt one payload.

        Raises:
            CodecError: If it is not encrypted, names an unknown key, or fails authentication.
        """
        if payload.metadata.get("encoding") != ENCODING:
            raise CodecError("payload is not encrypted; refusing to pass it through")
        key_id = payload.metadata.get(KEY_ID_META, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise CodecError(f"payload was encrypted with unknown key id {key_id!r}")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, _AAD_PREFIX + key_id.encode())
        except InvalidTag:
            raise CodecError(f"payload under key {key_id!r} failed authentication") from None
        return Payload.FromString(plain)


def key_id_of(payload: Payload) -> str | None:
    """The key id an encrypted payload names, or None for a payload that is not encrypted."""
    if payload.metadata.get("encoding") != ENCODING:
        return None
    return payload.metadata.get(KEY_ID_META, b"").decode(errors="replace")
