"""A Stripe contract double: what localstripe gets wrong, written from Stripe's documentation.

It answers the official ``stripe`` SDK (sync and async) for the calls the Stripe connector
makes, with the behaviour the documentation promises, so that the conformance suite can check
the connector against refusals, declines, idempotency and network faults that localstripe does
not reproduce. It is a test tool: in memory, 127.0.0.1 only, no webhooks, no Charges API;
3-D Secure by redirect only (``three_ds.py``), no Stripe.js flow.

Sources relied on (Stripe's API reference and guides):

- Idempotent requests: https://docs.stripe.com/api/idempotent_requests and
  https://docs.stripe.com/idempotency (answer saved once execution begins, 500s included;
  other parameters -> ``idempotency_error``; validation failures and concurrent conflicts save
  nothing; keys may be pruned after 24 h).
- Errors: https://docs.stripe.com/api/errors (types, ``code``, ``decline_code``, ``param``,
  ``payment_intent``; 402 for a failed charge, 409 for a concurrent idempotent request, 429
  rate limit), https://docs.stripe.com/error-codes (``idempotency_key_in_use``,
  ``payment_intent_unexpected_state``, ``charge_already_refunded``, ``rate_limit``,
  ``amount_too_large``, ``resource_missing``) and https://docs.stripe.com/error-handling
  (``Stripe-Should-Retry``), as the SDK reads it in ``stripe/_http_client.py``.
- Test cards: https://docs.stripe.com/testing (4242424242424242 approved; 4000000000000002
  generic_decline; 4000000000009995 insufficient_funds; 4000000000009987 lost_card;
  4000000000009979 stolen_card; 4000000000000069 expired_card; 4000000000000127 incorrect_cvc;
  4000000000000119 processing_error; 4000000000003220 3DS required; 4000000000003055 3DS
  frictionless) and https://docs.stripe.com/declines/codes.
- PaymentIntents: https://docs.stripe.com/api/payment_intents/create (``confirm``,
  ``capture_method=manual``, ``metadata``), .../confirm, .../capture (``amount_to_capture`` up
  to ``amount_capturable``, the rest released), .../cancel (not once succeeded or canceled),
  .../list, .../search and https://docs.stripe.com/search#search-query-language.
- Refunds: https://docs.stripe.com/api/refunds/create (partial and several, never more than
  what is left; only of a successful charge).
- Amounts: https://docs.stripe.com/currencies (zero-decimal JPY; three-decimal BHD, JOD, KWD,
  OMR, TND amounts must end in 0; minimum charge amounts).
- Pagination: https://docs.stripe.com/api/pagination (newest first, ``starting_after``).
- Search freshness: https://docs.stripe.com/search#data-freshness ("don't use search for
  read-after-write flows ... data is searchable in under 1 minute"): ``search_lag``.
- SetupIntents: https://docs.stripe.com/api/setup_intents/create (a card checked, CVC
  included, without a charge).
- Authentication: https://docs.stripe.com/api/authentication (Bearer, or Basic with the key
  as user name).

Where the documentation is silent the double chooses, and says so: over-refunds answer
``invalid_request_error`` with ``param: amount`` and no ``code``; a refund of an intent that is
not ``succeeded`` answers ``charge_not_refundable``; a PaymentMethod is created for any
Luhn-valid number (the CVC of 4000000000000127 fails at confirm, of a PaymentIntent or a
SetupIntent, as Stripe checks it there); ``Stripe-Should-Retry`` is ``true`` on 409,
429 and on 500s that saved nothing, ``false`` on every error that executed.

Use: ``StripeDouble`` (tests/stripe_double/app.py) as a context manager, or the
``stripe_double`` session fixture (tests/stripe_double/fixture.py).
"""
