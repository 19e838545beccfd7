"""The card vault on both backends: owners, sealing, legacy rows, the cache."""

from __future__ import annotations

import pytest

from infra.keyring import Keyring
from infra.sealing import seal, unseal
from stores.database import Database
from stores.vault import CardVault, VaultError, open_vault
from tests.stores.conftest import raw

NUMBER = "4242424242424242"
UNKNOWN = r"^unknown card token$"


async def test_a_token_resolves_only_for_its_merchant(db: Database, keyring: Keyring) -> None:
    vault = await open_vault(db, keyring)
    card = await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")
    assert (card.brand, card.last4) == ("visa", "4242")
    assert (await vault.resolve(card.token, "m_a")).number == NUMBER
    # Another merchant gets exactly what a made-up token gets: existence is not revealed.
    for asker in ("m_b", "", "m_a "):
        with pytest.raises(VaultError, match=UNKNOWN):
            await vault.resolve(card.token, asker)
    with pytest.raises(VaultError, match=UNKNOWN):
        await vault.resolve("pm_" + "0" * 24, "m_a")
    # Cached after the first read, and still checked.
    with pytest.raises(VaultError, match=UNKNOWN):
        await vault.resolve(card.token, "m_b", allow_unowned=True)
    assert (await vault.resolve_any_owner(card.token)).exp_year == 2030


async def test_rows_are_sealed_the_same_way_on_every_backend(
    db: Database, keyring: Keyring
) -> None:
    vault = await open_vault(db, keyring)
    token = (await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")).token
    [(key_id, sealed, last4, owner)] = raw(
        db, "cards", "SELECT key_id, sealed, last4, merchant_id FROM {t} WHERE token = ?", (token,)
    )
    sealed = bytes(sealed)
    assert NUMBER.encode() not in sealed and NUMBER[:12].encode() not in sealed
    assert (key_id, last4, owner) == (keyring.active_id, "4242", "m_a")
    # The associated data binds token and owner, identically on SQLite and PostgreSQL.
    aad = b"temporal-payments/vault/v2:" + token.encode() + b"|m_a"
    assert unseal(keyring, aad, key_id, sealed) == NUMBER.encode()


async def test_editing_the_owner_column_breaks_the_row_instead_of_moving_the_card(
    db: Database, keyring: Keyring
) -> None:
    token = (
        await (await open_vault(db, keyring)).tokenize(NUMBER, 12, 2030, merchant_id="m_a")
    ).token
    raw(db, "cards", "UPDATE {t} SET merchant_id = 'm_b' WHERE token = ?", (token,))
    fresh = await open_vault(db, keyring)  # no cache
    with pytest.raises(VaultError, match="cannot be opened"):
        await fresh.resolve(token, "m_b")
    with pytest.raises(VaultError, match="cannot be opened"):
        await fresh.resolve(token, "m_a")  # nor does its rightful owner get a wrong answer


async def test_a_row_from_before_owners_resolves_only_where_allowed(
    db: Database, keyring: Keyring
) -> None:
    vault = await open_vault(db, keyring)
    token = "pm_" + "1" * 24
    key_id, sealed = seal(keyring, b"temporal-payments/vault/v1:" + token.encode(), NUMBER.encode())
    raw(db, "cards", "INSERT INTO {t} (token, key_id, sealed, brand, last4, exp_month, exp_year,"
        " created_at) VALUES (?, ?, ?, 'visa', '4242', 12, 2030, '2026-01-01T00:00:00+00:00')",
        (token, key_id, sealed))  # fmt: skip
    # No merchant may charge a card saved before owners existed...
    for asker in ("m_a", "merchant_demo"):
        with pytest.raises(VaultError, match=UNKNOWN):
            await vault.resolve(token, asker)
    # ...but a payment already running at the upgrade (the worker allows it) still finishes.
    assert (await vault.resolve(token, "m_a", allow_unowned=True)).number == NUMBER


async def test_a_resolved_card_is_served_from_memory_for_a_while(
    db: Database, keyring: Keyring
) -> None:
    vault = await open_vault(db, keyring)
    token = (await vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a")).token
    await vault.resolve(token, "m_a")
    raw(db, "cards", "DELETE FROM {t} WHERE token = ?", (token,))
    assert (await vault.resolve(token, "m_a")).number == NUMBER  # the balance check, then auth
    with pytest.raises(VaultError, match=UNKNOWN):
        await (await open_vault(db, keyring)).resolve(token, "m_a")


async def test_constraints_hold_on_every_backend(db: Database, keyring: Keyring) -> None:
    vault: CardVault = await open_vault(db, keyring)
    with pytest.raises(Exception, match=r"(?i)check"):
        await vault.tokenize(NUMBER, 13, 2030, merchant_id="m_a")
