"""The merchant HTTP API: payments over Temporal workflows, with Stripe-style idempotency."""
