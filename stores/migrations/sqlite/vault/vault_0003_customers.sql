-- depends: vault_0002_owner
-- Customers (their e-mail, name and description only sealed) and the cards saved to them. In the
-- vault's file so that attaching checks the card's owner against the cards table itself.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_us INTEGER NOT NULL,
    deleted_us INTEGER
);
CREATE INDEX customers_newest ON customers (merchant_id, created_us DESC, id DESC);
-- One row per token ever saved: detached_us set means the token is revoked for good.
CREATE TABLE customer_cards (
    token TEXT PRIMARY KEY REFERENCES cards (token),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    merchant_id TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL,
    attached_us INTEGER NOT NULL,
    detached_us INTEGER
);
CREATE INDEX customer_cards_of ON customer_cards (customer_id, attached_us);
