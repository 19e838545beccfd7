-- Card numbers only sealed (nonce || AES-256-GCM ciphertext); the owner is bound in the AAD.
CREATE TABLE vault_cards (
    token TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    merchant_id TEXT
);
