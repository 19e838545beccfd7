"""Customers and saved cards on both backends: merchant scope, revocation, pages, sealing."""

from __future__ import annotations

import pytest

from infra.keyring import Keyring
from stores.customers import CustomerIdTaken, Details, SavedCard, TokenState, open_customers
from stores.database import Database
from stores.vault import open_vault
from tests.stores.conftest import raw

NUMBER = "4242424242424242"
EMAIL = "jenny@example.com"


async def _card(db: Database, keyring: Keyring, merchant: str, customer: str) -> SavedCard:
    card = await (await open_vault(db, keyring)).tokenize(NUMBER, 12, 2030, merchant_id=merchant)
    return SavedCard(card.token, customer, card.brand, card.last4, 12, 2030, 1)


async def test_a_customer_is_seen_only_by_its_merchant(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    made = await store.create("m_a", "cus_1", Details(email=EMAIL, name="Jenny"))
    assert made.details == Details(email=EMAIL, name="Jenny")
    assert await store.create("m_a", "cus_1", Details()) == made  # a retry keeps the first
    assert (await store.get("m_a", "cus_1")) == made
    for asker in ("m_b", "", "m_a "):
        assert await store.get(asker, "cus_1") is None
        assert await store.older(asker, None, 10) == []
        assert not await store.delete(asker, "cus_1")
    assert await store.get("m_a", "cus_1") == made
    with pytest.raises(CustomerIdTaken):
        await store.create("m_b", "cus_1", Details())  # never handed to another merchant


async def test_details_are_sealed_and_bound_to_the_merchant(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    await store.create("m_a", "cus_1", Details(email=EMAIL))
    [(sealed,)] = raw(db, "customers", "SELECT sealed FROM {t} WHERE id = 'cus_1'")
    assert EMAIL.encode() not in bytes(sealed)
    raw(db, "customers", "UPDATE {t} SET merchant_id = 'm_b'")
    with pytest.raises(Exception, match="authentication"):
        await store.get("m_b", "cus_1")


async def test_cards_attach_only_within_one_merchant(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    await store.create("m_a", "cus_a", Details())
    await store.create("m_b", "cus_b", Details())
    mine = await _card(db, keyring, "m_a", "cus_a")
    assert await store.attach("m_a", mine)
    assert await store.attach("m_a", mine)  # a retry finds it attached
    assert [c.last4 for c in await store.cards("m_a", "cus_a")] == ["4242"]
    assert await store.cards("m_b", "cus_a") == []
    assert await store.token_state("m_a", mine.token) == TokenState("cus_a", revoked=False)
    assert await store.token_state("m_b", mine.token) is None
    # A's card to B's customer, B's card to A's customer, as either merchant: all refused.
    theirs = await _card(db, keyring, "m_b", "cus_a")
    for merchant, card in (("m_b", mine), ("m_a", theirs), ("m_b", theirs)):
        moved = SavedCard(card.token, "cus_b" if card is mine else "cus_a", *_facts(card))
        assert not await store.attach(merchant, moved)
    assert await store.cards("m_b", "cus_b") == []
    assert not await store.attach("m_a", SavedCard("pm_" + "0" * 24, "cus_a", *_facts(mine)))


def _facts(card: SavedCard) -> tuple[str, str, int, int, int]:
    return card.brand, card.last4, card.exp_month, card.exp_year, card.attached_us


async def test_detaching_revokes_the_token_for_good(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    await store.create("m_a", "cus_a", Details())
    card = await _card(db, keyring, "m_a", "cus_a")
    await store.attach("m_a", card)
    assert not await store.detach("m_b", "cus_a", card.token)
    assert await store.detach("m_a", "cus_a", card.token)
    assert not await store.detach("m_a", "cus_a", card.token)
    assert await store.cards("m_a", "cus_a") == []
    assert await store.token_state("m_a", card.token) == TokenState("cus_a", revoked=True)
    assert not await store.attach("m_a", card)  # never attached again


async def test_deleting_a_customer_revokes_its_cards(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    await store.create("m_a", "cus_a", Details())
    card = await _card(db, keyring, "m_a", "cus_a")
    await store.attach("m_a", card)
    assert await store.delete("m_a", "cus_a")
    assert await store.get("m_a", "cus_a") is None
    assert not await store.delete("m_a", "cus_a")
    assert await store.token_state("m_a", card.token) == TokenState("cus_a", revoked=True)
    assert not await store.attach("m_a", card)


async def test_pages_are_newest_first_and_never_shift(db: Database, keyring: Keyring) -> None:
    store = await open_customers(db, keyring)
    for n in range(5):
        await store.create("m_a", f"cus_{n}", Details())
    await store.create("m_b", "cus_other", Details())
    first = await store.older("m_a", None, 2)
    assert [c.id for c in first] == ["cus_4", "cus_3"]
    await store.delete("m_a", "cus_2")
    rest = await store.older("m_a", (first[-1].created_us, first[-1].id), 10)
    assert [c.id for c in rest] == ["cus_1", "cus_0"]
