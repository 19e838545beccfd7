-- The vault as it was before migrations: IF NOT EXISTS keeps existing files as they are.
CREATE TABLE IF NOT EXISTS cards (
    token TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    merchant_id TEXT
);
