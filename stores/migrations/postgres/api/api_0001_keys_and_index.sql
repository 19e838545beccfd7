-- Idempotency keys (times are epoch seconds, as every host's rules compare them) and the
-- payment index. payment_id sorts bytewise (COLLATE "C") so pages are ordered as on SQLite.
CREATE TABLE idempotency (
    merchant_id text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    state text NOT NULL CHECK (state IN ('in_flight', 'done', 'released')),
    status integer,
    body bytea,
    created_at double precision NOT NULL,
    claimed_at double precision NOT NULL,
    owner text,
    owner_host text,
    owner_pid integer,
    lease_until double precision,
    PRIMARY KEY (merchant_id, key)
);
CREATE INDEX idempotency_purge ON idempotency (created_at) WHERE state <> 'in_flight';
CREATE TABLE payment_index (
    merchant_id text NOT NULL,
    payment_id text COLLATE "C" NOT NULL,
    created_us bigint NOT NULL,
    amount bigint NOT NULL,
    currency text NOT NULL,
    PRIMARY KEY (merchant_id, payment_id)
);
CREATE INDEX payment_index_newest
    ON payment_index (merchant_id, created_us DESC, payment_id DESC);
