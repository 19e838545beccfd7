-- The API's tables as they were before migrations: IF NOT EXISTS keeps existing files as they are
-- (files from before leases lack the owner columns: api_0002 adds them).
CREATE TABLE IF NOT EXISTS idempotency (
    merchant_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'done', 'released')),
    status INTEGER,
    body BLOB,
    created_at REAL NOT NULL,
    claimed_at REAL NOT NULL,
    PRIMARY KEY (merchant_id, key)
);
CREATE TABLE IF NOT EXISTS payment_index (
    merchant_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (merchant_id, payment_id)
);
CREATE INDEX IF NOT EXISTS payment_index_newest
    ON payment_index (merchant_id, created_us DESC, payment_id DESC);
