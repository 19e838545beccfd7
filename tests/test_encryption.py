"""Every payload Temporal stores is encrypted; the codec fails closed."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client

from infra.codec import CodecError, EncryptionCodec
from infra.keyring import KEY_BYTES, Keyring
from infra.settings import Settings
from stack.commands import temporal_binary
from tests.helpers import pay


def _codec(active: str = "k1", *ids: str) -> EncryptionCodec:
    keys = {i: hashlib.sha256(i.encode()).digest()[:KEY_BYTES] for i in (active, *ids)}
    return EncryptionCodec(Keyring(active_id=active, keys=keys))


def _plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


async def test_round_trip_and_rotation() -> None:
    old = _codec("k1")
    sealed = await old.encode([_plain("hello")])
    assert sealed[0].metadata["encryption-key-id"] == b"k1"
    assert b"hello" not in sealed[0].data
    rotated = _codec("k2", "k1")
    assert (await rotated.decode(sealed))[0].data == b'"hello"'
    assert (await rotated.encode([_plain("x")]))[0].metadata["encryption-key-id"] == b"k2"


@pytest.mark.parametrize("index", [0, 5, 11, 12, 20, -1])
def test_any_flipped_byte_is_detected(index: int) -> None:
    codec = _codec()
    sealed = codec.encrypt(_plain("amount=1999"))
    data = bytearray(sealed.data)
    data[index] ^= 0x01
    sealed.data = bytes(data)
    with pytest.raises(CodecError, match="failed authentication"):
        codec.decrypt(sealed)


def test_unknown_key_missing_key_and_plaintext_fail_closed() -> None:
    sealed = _codec("k9").encrypt(_plain("x"))
    with pytest.raises(CodecError, match="unknown key id 'k9'"):
        _codec("k1").decrypt(sealed)
    sealed.metadata["encryption-key-id"] = b"k1"
    with pytest.raises(CodecError, match="failed authentication"):
        _codec("k1").decrypt(sealed)
    with pytest.raises(CodecError, match="not encrypted"):
        _codec().decrypt(_plain("x"))


def test_nonces_never_repeat() -> None:
    codec = _codec()
    nonces = {codec.encrypt(_plain("same")).data[:12] for _ in range(20000)}
    assert len(nonces) == 20000


@pytest.mark.usefixtures("worker")
async def test_history_holds_only_encrypted_payloads(client: Client, settings: Settings) -> None:
    view = await pay(client, settings, amount=7777)
    proc = await asyncio.create_subprocess_exec(
        str(temporal_binary()),
        *("workflow", "show", "--workflow-id", view.payment_id),
        *("--address", settings.temporal_address, "--output", "json"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err
    payloads = _payloads(json.loads(out.decode()))
    assert len(payloads) >= 5
    for payload in payloads:
        encoding = base64.b64decode(payload["metadata"]["encoding"]).decode()
        data = base64.b64decode(payload.get("data", ""))
        if encoding != "binary/encrypted":
            assert _is_sdk_bookkeeping(data), data[:80]
            continue
        for secret in (b"7777", view.card.last4.encode(), b"merchant_test", b"pm_"):
            assert secret not in data


# The SDK core records each local activity's sequence number, attempt, type and times in its
# marker as plain JSON; the activity's input and result in the same marker are encrypted.
_LA_BOOKKEEPING = {
    "seq", "attempt", "activity_id", "activity_type", "complete_time", "backoff",
    "original_schedule_time", "activation_index",
}  # fmt: skip


# A ``workflow.patched`` marker: the SDK core writes the patch id (a name in our code, listed in
# docs/changing-the-workflow.md) and whether it is deprecated, in plain JSON.
_PATCH_MARKER = {"id", "deprecated"}


def _is_sdk_bookkeeping(data: bytes) -> bool:
    try:
        keys = set(json.loads(data))
    except ValueError:
        return False
    return keys <= _LA_BOOKKEEPING or keys == _PATCH_MARKER


def _payloads(node: object) -> list[dict[str, Any]]:
    """Every payload in a history's JSON, outside search attributes.

    Search attributes are indexed by the server, so they are plaintext by design and carry only
    non-sensitive fields (status, merchant, currency, amount).
    """
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if isinstance(node.get("metadata"), dict) and "encoding" in node["metadata"]:
            return [node]
        for k, v in node.items():
            if k != "searchAttributes":
                found += _payloads(v)
    elif isinstance(node, list):
        for item in node:
            found += _payloads(item)
    return found
