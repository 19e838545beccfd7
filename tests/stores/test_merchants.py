"""The merchant directory on both backends: hashed keys, sealed webhook secrets."""

from __future__ import annotations

from infra.keyring import Keyring
from stores.database import Database
from stores.merchants import key_digest, new_api_key, open_directory
from tests.stores.conftest import raw


async def test_keys_are_looked_up_by_digest_and_re_keying_retires_the_old_one(
    db: Database, keyring: Keyring
) -> None:
    directory = await open_directory(db, keyring)
    old, new, other = new_api_key(), new_api_key(), new_api_key()
    await directory.add_merchant("m_a", old)
    await directory.add_merchant("m_b", other)
    assert await directory.merchant_for_key(old) == "m_a"
    await directory.add_merchant("m_a", new)
    assert await directory.merchant_for_key(old) is None
    assert await directory.merchant_for_key(new) == "m_a"
    assert await directory.merchant_for_key(other) == "m_b"
    assert await directory.merchant_for_key(new_api_key()) is None
    stored = raw(db, "merchants", "SELECT id, key_sha256 FROM {t} ORDER BY id")
    assert stored == [("m_a", key_digest(new)), ("m_b", key_digest(other))]


async def test_webhook_secrets_are_sealed_and_a_new_endpoint_replaces_the_old(
    db: Database, keyring: Keyring
) -> None:
    directory = await open_directory(db, keyring)
    await directory.add_merchant("m_a", new_api_key())
    assert await directory.webhook("m_a") is None
    first = await directory.set_webhook("m_a", "https://shop.example/hooks")
    second = await directory.set_webhook("m_a", "https://shop.example/v2")
    assert first != second and second.startswith("whsec_")
    hook = await directory.webhook("m_a")
    assert hook is not None and (hook.url, hook.secret) == ("https://shop.example/v2", second)
    assert second not in repr(hook)
    [(url, key_id, sealed)] = raw(db, "webhooks", "SELECT url, key_id, sealed FROM {t}")
    assert url == "https://shop.example/v2" and key_id == keyring.active_id
    assert second.encode() not in bytes(sealed)
    # Another process (a worker) opening the same database reads the same secret.
    again = await (await open_directory(db, keyring)).webhook("m_a")
    assert again is not None and again.secret == second
