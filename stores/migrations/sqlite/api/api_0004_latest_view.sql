-- depends: api_0003_checkout_sessions
-- The read model: each payment's latest view the API knew (what GET answers), so reads need no
-- worker. ``version`` only grows (the store's UPDATE refuses an older one); ``final`` is 1 once
-- the view is a closed workflow's result. The view holds no card number or CVC.
ALTER TABLE payment_index ADD COLUMN status TEXT;
ALTER TABLE payment_index ADD COLUMN version INTEGER;
ALTER TABLE payment_index ADD COLUMN final INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_index ADD COLUMN view TEXT;
-- GET and the CLI find a payment by its id alone (ids derive from the merchant: unique).
CREATE INDEX payment_index_id ON payment_index (payment_id);
