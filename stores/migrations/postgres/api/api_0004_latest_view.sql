-- depends: api_0003_checkout_sessions
-- The read model: each payment's latest view the API knew (what GET answers), so reads need no
-- worker. ``version`` only grows (the store's UPDATE refuses an older one); ``final`` is true
-- once the view is a closed workflow's result. The view holds no card number or CVC.
ALTER TABLE payment_index ADD COLUMN status text;
ALTER TABLE payment_index ADD COLUMN version bigint;
ALTER TABLE payment_index ADD COLUMN final boolean NOT NULL DEFAULT false;
ALTER TABLE payment_index ADD COLUMN view text;
-- GET and the CLI find a payment by its id alone (ids derive from the merchant: unique).
CREATE INDEX payment_index_id ON payment_index (payment_id);
