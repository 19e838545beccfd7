"""AES-256 keys with ids: one active key encrypts, every known key decrypts."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")


class KeyringError(Exception):
    """The keyring file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Keyring:
    """Keys by id, and the id of the one that encrypts new data."""

    active_id: str
    keys: dict[str, bytes]

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not _KEY_ID.match(key_id):
                raise KeyringError(f"invalid key id {key_id!r}")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} must be {KEY_BYTES} bytes")
        if self.active_id not in self.keys:
            raise KeyringError(f"active key id {self.active_id!r} is not in the keyring")

    def ciphers(self) -> dict[str, AESGCM]:
        """One AES-GCM cipher per key id."""
        return {key_id: AESGCM(key) for key_id, key in self.keys.items()}


def load_keyring(path: Path) -> Keyring:
    """Read a keyring file: ``{"active": id, "keys": {id: base64 key}}``.

    Raises:
        KeyringError: If the file is missing or malformed; there is never a fallback key.
    """
    try:
        raw = json.loads(path.read_text())
        keys = {str(k): base64.b64decode(v, validate=True) for k, v in raw["keys"].items()}
        return Keyring(active_id=str(raw["active"]), keys=keys)
    except FileNotFoundError:
        raise KeyringError(f"no key file at {path}; create one with `make keys`") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KeyringError(f"malformed key file {path}: {type(exc).__name__}") from None


def new_key_id() -> str:
    """A sortable, unique key id such as ``k20261127-3f9a``."""
    return f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(2)}"


def add_key(path: Path, *, activate: bool) -> str:
    """Add a fresh random key to the keyring at ``path`` (creating it if absent).

    Returns:
        The new key's id.
    """
    key_id = new_key_id()
    raw: dict[str, object] = {"active": key_id, "keys": {}}
    if path.exists():
        raw = json.loads(path.read_text())
    keys = dict(raw["keys"])  # type: ignore[call-overload]
    keys[key_id] = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
    raw = {"active": key_id if activate or not path.exists() else raw["active"], "keys": keys}
    _write_private(path, json.dumps(raw, indent=2) + "\n")
    return key_id


def ensure_keyring(path: Path) -> bool:
    """Create a keyring with one key if ``path`` does not exist. Returns True if it created one."""
    if path.exists():
        return False
    add_key(path, activate=True)
    return True


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)
