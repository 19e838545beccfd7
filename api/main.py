"""``create_app``: the FastAPI application and the lifespan that owns its shared resources."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api import docs_ui, errors, openapi
from api.deps import AppState
from api.ratelimit import RateLimiter
from api.routes import (
    challenges,
    checkout_page,
    checkout_sessions,
    confirm,
    customers,
    health,
    payment_actions,
    payments,
    webhooks,
)
from api.settings import ApiSettings
from facade.tokenize import CardTokenizer, open_tokenizer
from infra import tracing
from infra.http_metrics import instrument
from infra.keyring import load_keyring, write_private
from infra.temporal_client import connect
from stores import pg
from stores.checkout import CheckoutStore, open_checkout
from stores.customers import CustomerStore, open_customers
from stores.idempotency import IdempotencyStore, Policy, open_idempotency
from stores.merchants import MerchantDirectory, open_directory
from stores.payment_index import PaymentIndex, open_payment_index
from stores.refunds import open_refunds

log = logging.getLogger("api")


def fingerprint_secret(path: Path) -> bytes:
    """The key for request fingerprints, created (mode 0600) on first use."""
    if not path.exists():
        write_private(path, secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


def configured_keys(settings: ApiSettings) -> dict[str, str]:
    """Merchant keys from ``api_keys_file`` and ``api_keys`` (the environment wins)."""
    keys: dict[str, str] = {}
    if settings.api_keys_file is not None:
        keys.update(json.loads(settings.api_keys_file.read_text()))
    keys.update({m: k.get_secret_value() for m, k in settings.api_keys.items()})
    return keys


async def open_merchants(settings: ApiSettings) -> MerchantDirectory:
    """The merchant directory, with the configured merchants' keys registered."""
    at_rest = load_keyring(settings.resolved_vault_key_file())
    merchants = await open_directory(settings.database(), at_rest)
    for merchant_id, key in configured_keys(settings).items():
        await merchants.add_merchant(merchant_id, key)  # stored as a SHA-256 digest
    return merchants


def build_state(
    settings: ApiSettings,
    client: object,
    tokenizer: CardTokenizer,
    api_stores: tuple[IdempotencyStore, PaymentIndex, CheckoutStore],
    merchants: MerchantDirectory,
    customers: CustomerStore,
) -> AppState:
    """Everything but the Temporal client, the tokenizer and the stores is local."""
    return AppState(
        settings=settings,
        client=client,  # type: ignore[arg-type]
        merchants=merchants,
        vault=tokenizer.vault,
        store=api_stores[0],
        index=api_stores[1],
        limiter=RateLimiter(settings.api_rate_per_second, settings.api_rate_burst),
        tokenizer=tokenizer,
        customers=customers,
        checkout=api_stores[2],
        secret=fingerprint_secret(settings.resolved_api_secret_file()),
    )


async def open_api_stores(
    settings: ApiSettings,
) -> tuple[IdempotencyStore, PaymentIndex, CheckoutStore]:
    """The idempotency keys, the payment index and the checkout sessions, in the configured
    database (migrated)."""
    policy = Policy(
        lease_seconds=settings.idempotency_lease_seconds,
        deadline_seconds=settings.request_deadline_seconds(),
        retention_hours=settings.idempotency_retention_hours,
    )
    secret = fingerprint_secret(settings.resolved_api_secret_file())
    db = settings.database()
    keys = await open_idempotency(db, secret, policy)
    return keys, await open_payment_index(db), await open_checkout(db)


def create_app(settings: ApiSettings) -> FastAPI:
    """The API; ``settings`` are built once by the entry point (or a test) and passed down."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Lazy: the API starts (and /readyz says 503) while Temporal is still coming up.
        client = await connect(settings, lazy=True)
        # One vault and one processor HTTP session for every tokenization of this process.
        async with open_tokenizer(settings) as tokenizer:
            api_stores = await open_api_stores(settings)
            merchants = await open_merchants(settings)
            at_rest = load_keyring(settings.resolved_vault_key_file())
            customer_store = await open_customers(settings.database(), at_rest)
            app.state.payments = build_state(
                settings, client, tokenizer, api_stores, merchants, customer_store
            )
            app.state.payments.refunds = await open_refunds(settings.database())
            log.info("api ready on %s:%d", settings.api_host, settings.api_port)
            try:
                yield
            finally:
                await pg.close_all()

    app = FastAPI(
        title="temporal-payments",
        version="1",
        summary="Card payments as durable Temporal workflows, with Stripe-style idempotency.",
        lifespan=lifespan,
        # /docs is served by docs_ui from installed files: FastAPI's own pages need a CDN.
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    openapi.install(app)
    docs_ui.install(app)
    routes = (health, payments, payment_actions, confirm, customers, webhooks, challenges)
    for module in (*routes, checkout_sessions, checkout_page):
        app.include_router(module.router)
    instrument(app, "api")
    tracing.instrument_app(app, settings)
    return app
