"""The vault ties each token to the merchant that created it, and migrates older vaults."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from infra.keyring import ensure_keyring, load_keyring
from infra.sealing import seal
from stores.vault import CardVault, VaultError

NUMBER = "4242424242424242"
# The table as it was before tokens had owners.
OLD_SCHEMA = """
CREATE TABLE cards (
    token TEXT PRIMARY KEY, key_id TEXT NOT NULL, sealed BLOB NOT NULL, brand TEXT NOT NULL,
    last4 TEXT NOT NULL, exp_month INTEGER NOT NULL, exp_year INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


@pytest.fixture
def vault(tmp_path: Path) -> CardVault:
    ensure_keyring(tmp_path / "vault-key.json")
    return CardVault(tmp_path / "vault.db", load_keyring(tmp_path / "vault-key.json"))


def test_a_token_resolves_only_for_its_merchant(vault: CardVault) -> None:
    token = vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a").token
    assert vault.resolve(token, "m_a").number == NUMBER
    for asker in ("m_b", "", "m_a "):
        with pytest.raises(VaultError, match=r"^unknown card token$"):
            vault.resolve(token, asker)
    with pytest.raises(VaultError, match=r"^unknown card token$"):
        vault.resolve("pm_" + "0" * 24, "m_a")
    # Cached after the first read, and still checked.
    with pytest.raises(VaultError, match=r"^unknown card token$"):
        vault.resolve(token, "m_b", allow_unowned=True)


def test_editing_the_owner_column_breaks_the_row_instead_of_moving_the_card(
    vault: CardVault, tmp_path: Path
) -> None:
    token = vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a").token
    with sqlite3.connect(tmp_path / "vault.db") as conn:
        conn.execute("UPDATE cards SET merchant_id = 'm_b' WHERE token = ?", (token,))
    fresh = CardVault(tmp_path / "vault.db", load_keyring(tmp_path / "vault-key.json"))
    with pytest.raises(VaultError, match="cannot be opened"):
        fresh.resolve(token, "m_b")


def test_an_old_vault_gains_the_owner_column_and_its_rows_have_no_owner(tmp_path: Path) -> None:
    ensure_keyring(tmp_path / "vault-key.json")
    keyring = load_keyring(tmp_path / "vault-key.json")
    token = "pm_" + "1" * 24
    key_id, sealed = seal(keyring, b"temporal-payments/vault/v1:" + token.encode(), NUMBER.encode())
    with sqlite3.connect(tmp_path / "vault.db") as conn:
        conn.execute(OLD_SCHEMA)
        conn.execute(
            "INSERT INTO cards VALUES (?, ?, ?, 'visa', '4242', 12, 2030, '2026-01-01')",
            (token, key_id, sealed),
        )
    vault = CardVault(tmp_path / "vault.db", keyring)
    CardVault(tmp_path / "vault.db", keyring)  # a second process opening it migrates nothing
    # No merchant may charge a card saved before owners existed...
    for asker in ("m_a", "merchant_demo"):
        with pytest.raises(VaultError, match=r"^unknown card token$"):
            vault.resolve(token, asker)
    # ...but a payment already running at the upgrade (the worker allows it) still finishes.
    assert vault.resolve(token, "m_a", allow_unowned=True).number == NUMBER
    new = vault.tokenize(NUMBER, 12, 2030, merchant_id="m_a").token
    assert vault.resolve(new, "m_a").number == NUMBER
