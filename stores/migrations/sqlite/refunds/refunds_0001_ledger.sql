-- The refund ledger of payments whose workflow has closed (stores/refunds). One row per payment
-- with the immutable facts of its capture, and one per refund id: reserved before the processor
-- is called, then made or refused.
CREATE TABLE refund_payments (
    payment_id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    captured INTEGER NOT NULL,
    refundable_until_us INTEGER NOT NULL,
    processor TEXT NOT NULL,
    authorization_id TEXT NOT NULL
);
CREATE TABLE refunds (
    payment_id TEXT NOT NULL REFERENCES refund_payments(payment_id),
    refund_id TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    reason TEXT,
    state TEXT NOT NULL CHECK (state IN ('reserved', 'made', 'refused')),
    processor_refund_id TEXT,
    at_us INTEGER NOT NULL,
    PRIMARY KEY (payment_id, refund_id)
);
