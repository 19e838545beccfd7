-- depends: vault_0001_cards
-- Customers (their e-mail, name and description only sealed) and the cards saved to them. In the
-- vault's area so that attaching checks the card's owner against vault_cards itself.
CREATE TABLE customers (
    id text COLLATE "C" PRIMARY KEY,
    merchant_id text NOT NULL,
    key_id text NOT NULL,
    sealed bytea NOT NULL,
    created_us bigint NOT NULL,
    deleted_us bigint
);
CREATE INDEX customers_newest ON customers (merchant_id, created_us DESC, id DESC);
-- One row per token ever saved: detached_us set means the token is revoked for good.
CREATE TABLE customer_cards (
    token text PRIMARY KEY REFERENCES vault_cards (token),
    customer_id text NOT NULL REFERENCES customers (id),
    merchant_id text NOT NULL,
    brand text NOT NULL,
    last4 text NOT NULL,
    exp_month integer NOT NULL,
    exp_year integer NOT NULL,
    attached_us bigint NOT NULL,
    detached_us bigint
);
CREATE INDEX customer_cards_of ON customer_cards (customer_id, attached_us);
