"""The Stripe secret key, from a file or a variable named in the processor's settings."""

from __future__ import annotations

import logging
import os

import stripe

from infra.settings import ProcessorEndpoint


class MissingApiKey(ValueError):
    """A ``stripe`` processor has no key configured, or its file or variable is empty."""


def api_key_of(endpoint: ProcessorEndpoint) -> str:
    """The secret key named by ``api_key_file`` or ``api_key_env``; there is no default.

    Raises:
        MissingApiKey: Neither is set, or the named file or variable is empty (the message
            names the setting, never the key).
    """
    if endpoint.api_key_file is not None:
        key = endpoint.api_key_file.read_text(encoding="utf-8").strip()
        source = f"file {endpoint.api_key_file}"
    elif endpoint.api_key_env is not None:
        key = os.environ.get(endpoint.api_key_env, "").strip()
        source = f"variable {endpoint.api_key_env}"
    else:
        raise MissingApiKey(
            f"processor {endpoint.name!r} (stripe) needs api_key_file or api_key_env"
        )
    if not key:
        raise MissingApiKey(f"processor {endpoint.name!r}: {source} is empty")
    return key


class UnsafeSdkLogging(ValueError):
    """``STRIPE_LOG=debug`` would print request bodies: card numbers and CVCs."""


def quiet_sdk_logs() -> None:
    """Keep the SDK from logging request bodies (card data) at any root log level.

    The SDK logs every request's parameters at DEBUG on the ``stripe`` logger, and prints them
    to stderr with ``STRIPE_LOG=debug``.

    Raises:
        UnsafeSdkLogging: ``STRIPE_LOG`` or ``stripe.log`` is ``debug``.
    """
    if "debug" in (os.environ.get("STRIPE_LOG"), stripe.log):
        raise UnsafeSdkLogging("STRIPE_LOG=debug would log card data; unset it")
    logging.getLogger("stripe").setLevel(logging.WARNING)
