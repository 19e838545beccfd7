-- The directory as it was before migrations: IF NOT EXISTS keeps existing files as they are.
CREATE TABLE IF NOT EXISTS merchants (
    id TEXT PRIMARY KEY,
    key_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    merchant_id TEXT PRIMARY KEY REFERENCES merchants(id),
    url TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at TEXT NOT NULL
);
