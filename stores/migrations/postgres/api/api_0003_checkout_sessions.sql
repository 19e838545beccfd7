-- depends: api_0001_keys_and_index
-- Hosted payment page sessions: what the merchant asked for, the one payment they lead to, and
-- the form's CSRF token. The id is an unguessable token (the page's URL), never the payment id.
CREATE TABLE checkout_sessions (
    id text COLLATE "C" PRIMARY KEY,
    merchant_id text NOT NULL,
    payment_id text NOT NULL,
    amount bigint NOT NULL,
    currency text NOT NULL,
    description text,
    success_url text NOT NULL,
    cancel_url text NOT NULL,
    locale text,
    csrf_token text NOT NULL,
    created_us bigint NOT NULL,
    expires_us bigint NOT NULL,
    started_us bigint,
    completed_us bigint,
    submits integer NOT NULL DEFAULT 0
);
