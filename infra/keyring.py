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
from typing import Any

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
        raise KeyringError(
            f"no key file at {path}: `make up` creates the local stack's (PAYMENTS_RUN_DIR), "
            f"`python -m infra.keys new --file {path}` a new one"
        ) from None
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
    raw: dict[str, Any] = _read_raw(path) if path.exists() else {"active": key_id, "keys": {}}
    raw["keys"][key_id] = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
    if activate:
        raw["active"] = key_id
    _save(path, raw)
    return key_id


def activate_key(path: Path, key_id: str) -> None:
    """Make ``key_id`` the key that encrypts new payloads.

    Raises:
        KeyringError: If the keyring has no such key.
    """
    raw = _read_raw(path)
    if key_id not in raw["keys"]:
        raise KeyringError(f"no key {key_id!r} in {path}")
    raw["active"] = key_id
    _save(path, raw)


def retire_key(path: Path, key_id: str) -> None:
    """Remove ``key_id``; payloads encrypted under it can no longer be decrypted.

    Raises:
        KeyringError: If there is no such key, or it is the active key.
    """
    raw = _read_raw(path)
    if key_id not in raw["keys"]:
        raise KeyringError(f"no key {key_id!r} in {path}")
    if raw["active"] == key_id:
        raise KeyringError(f"{key_id!r} is the active key; activate another key first")
    del raw["keys"][key_id]
    _save(path, raw)


def _read_raw(path: Path) -> dict[str, Any]:
    # Validate through load_keyring so a malformed file is never rewritten.
    ring = load_keyring(path)
    keys = {k: base64.b64encode(v).decode() for k, v in ring.keys.items()}
    return {"active": ring.active_id, "keys": keys}


def _save(path: Path, raw: dict[str, Any]) -> None:
    Keyring(  # validates before anything reaches the disk
        active_id=raw["active"], keys={k: base64.b64decode(v) for k, v in raw["keys"].items()}
    )
    write_private(path, json.dumps(raw, indent=2) + "\n")


def ensure_keyring(path: Path) -> bool:
    """Create a keyring with one key if ``path`` does not exist. Returns True if it created one."""
    if path.exists():
        return False
    add_key(path, activate=True)
    return True


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, readable by the owner only (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name, so two writers never interleave in one file.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_write_private = write_private
