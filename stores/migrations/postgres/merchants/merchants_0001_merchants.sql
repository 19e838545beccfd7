-- API keys only as SHA-256 digests; webhook secrets sealed under the vault keyring.
CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    key_sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE merchant_webhooks (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    url TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
