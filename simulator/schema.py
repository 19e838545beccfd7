"""Schema of the simulator ledger; invariants live here so no code path can break them."""

SCHEMA = """

CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('cardholder', 'merchant', 'issuer')),
    owner TEXT NOT NULL,
    currency TEXT NOT NULL,
    debits_posted INTEGER NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_posted INTEGER NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    debits_pending INTEGER NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    credits_pending INTEGER NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    must_not_overdraw INTEGER NOT NULL CHECK (must_not_overdraw IN (0, 1)),
    CHECK (must_not_overdraw = 0 OR debits_posted + debits_pending <= credits_posted)
);

-- Only derived card data: the keyed fingerprint, never the number.
CREATE TABLE IF NOT EXISTS cards (
    fingerprint TEXT PRIMARY KEY,
    last4 TEXT NOT NULL,
    brand TEXT NOT NULL,
    funding TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS transfers (
    id TEXT PRIMARY KEY,
    debit_account TEXT NOT NULL REFERENCES accounts (id),
    credit_account TEXT NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('posted', 'pending')),
    operation TEXT NOT NULL CHECK (operation IN ('fund', 'authorize', 'capture', 'refund')),
    hold_id TEXT,
    payment_id TEXT,
    step TEXT,
    idempotency_key TEXT,
    created_at TEXT NOT NULL,
    CHECK (debit_account <> credit_account)
);

CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY,
    transfer_id TEXT NOT NULL UNIQUE REFERENCES transfers (id),
    cardholder_account TEXT NOT NULL REFERENCES accounts (id),
    merchant_account TEXT NOT NULL REFERENCES accounts (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'captured', 'voided', 'expired')),
    captured_amount INTEGER NOT NULL DEFAULT 0 CHECK (captured_amount >= 0),
    refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
    expires_at TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    CHECK (captured_amount <= amount),
    CHECK (refunded_amount <= captured_amount)
);

-- The primary key is what makes a hold resolve at most once.
CREATE TABLE IF NOT EXISTS hold_resolutions (
    hold_id TEXT PRIMARY KEY REFERENCES holds (id),
    kind TEXT NOT NULL CHECK (kind IN ('captured', 'voided', 'expired')),
    amount INTEGER NOT NULL,
    payment_id TEXT,
    step TEXT,
    idempotency_key TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Attempts per key that did not store a response (the processing_error test card).
CREATE TABLE IF NOT EXISTS key_attempts (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT,
    operation TEXT NOT NULL,
    payment_id TEXT,
    step TEXT,
    outcome TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    at TEXT NOT NULL
);

-- 3-D Secure authentications (the access control server); only the card's fingerprint.
CREATE TABLE IF NOT EXISTS authentications (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    flow TEXT NOT NULL CHECK (flow IN ('challenge', 'frictionless', 'challenge_fails')),
    state TEXT NOT NULL CHECK (state IN ('challenge', 'authenticated', 'failed', 'expired')),
    return_url TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    decided_at TEXT
);

CREATE INDEX IF NOT EXISTS holds_open ON holds (state, expires_at);
CREATE INDEX IF NOT EXISTS transfers_payment ON transfers (payment_id);
CREATE INDEX IF NOT EXISTS request_log_payment ON request_log (payment_id);
"""
