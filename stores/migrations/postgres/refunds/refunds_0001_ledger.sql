-- The refund ledger of payments whose workflow has closed (stores/refunds). One row per payment
-- with the immutable facts of its capture (locked FOR UPDATE while a refund is reserved), and one
-- per refund id: reserved before the processor is called, then made or refused.
CREATE TABLE refund_payments (
    payment_id text COLLATE "C" PRIMARY KEY,
    merchant_id text NOT NULL,
    currency text NOT NULL,
    captured bigint NOT NULL,
    refundable_until_us bigint NOT NULL,
    processor text NOT NULL,
    authorization_id text NOT NULL
);
CREATE TABLE refunds (
    payment_id text COLLATE "C" NOT NULL REFERENCES refund_payments (payment_id),
    refund_id text COLLATE "C" NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    reason text,
    state text NOT NULL CHECK (state IN ('reserved', 'made', 'refused')),
    processor_refund_id text,
    at_us bigint NOT NULL,
    PRIMARY KEY (payment_id, refund_id)
);
