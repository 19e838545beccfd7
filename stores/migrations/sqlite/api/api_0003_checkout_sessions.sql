-- depends: api_0002_leases
-- Hosted payment page sessions: what the merchant asked for, the one payment they lead to, and
-- the form's CSRF token. The id is an unguessable token (the page's URL), never the payment id.
CREATE TABLE checkout_sessions (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    description TEXT,
    success_url TEXT NOT NULL,
    cancel_url TEXT NOT NULL,
    locale TEXT,
    csrf_token TEXT NOT NULL,
    created_us INTEGER NOT NULL,
    expires_us INTEGER NOT NULL,
    started_us INTEGER,
    completed_us INTEGER,
    submits INTEGER NOT NULL DEFAULT 0
);
