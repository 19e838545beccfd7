"""The Stripe endpoints the double answers, by method and path, with Stripe's route names."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.stripe_double import listing, moves, setup, three_ds
from tests.stripe_double.ledger import Ledger
from tests.stripe_double.wire import StripeError, public

Handler = Callable[[Ledger, str, dict[str, Any]], dict[str, Any]]


def _method(ledger: Ledger, pm_id: str, _: dict[str, Any]) -> dict[str, Any]:
    if pm_id not in ledger.methods:
        raise StripeError(
            404,
            "invalid_request_error",
            f"No such PaymentMethod: '{pm_id}'",
            code="resource_missing",
            param="id",
            stored=False,
        )
    return ledger.methods[pm_id]


def _refund(ledger: Ledger, re_id: str, _: dict[str, Any]) -> dict[str, Any]:
    if re_id not in ledger.refunds:
        raise StripeError(
            404,
            "invalid_request_error",
            f"No such refund: '{re_id}'",
            code="resource_missing",
            param="id",
            stored=False,
        )
    return ledger.refunds[re_id]


ROUTES: list[tuple[str, re.Pattern[str], str, Handler]] = [
    (m, re.compile(p), name, h)
    for m, p, name, h in [
        (
            "POST",
            r"/v1/payment_methods",
            "payment_methods.create",
            lambda lg, _, p: lg.create_method(p),
        ),
        ("GET", r"/v1/payment_methods/(pm_\w+)", "payment_methods.retrieve", _method),
        (
            "POST",
            r"/v1/payment_intents",
            "payment_intents.create",
            lambda lg, _, p: lg.create_intent(p),
        ),
        (
            "GET",
            r"/v1/payment_intents",
            "payment_intents.list",
            lambda lg, _, p: listing.page(lg.intents.values(), p, "/v1/payment_intents"),
        ),
        (
            "GET",
            r"/v1/payment_intents/search",
            "payment_intents.search",
            lambda lg, _, p: listing.search(lg, p),
        ),
        (
            "GET",
            r"/v1/payment_intents/(pi_\w+)",
            "payment_intents.retrieve",
            lambda lg, i, _: lg.intent(i),
        ),
        (
            "POST",
            r"/v1/payment_intents/(pi_\w+)/confirm",
            "payment_intents.confirm",
            three_ds.confirm,
        ),
        ("POST", r"/v1/payment_intents/(pi_\w+)", "payment_intents.update", three_ds.update),
        ("POST", r"/v1/payment_intents/(pi_\w+)/capture", "payment_intents.capture", moves.capture),
        ("POST", r"/v1/payment_intents/(pi_\w+)/cancel", "payment_intents.cancel", moves.cancel),
        (
            "POST",
            r"/v1/setup_intents",
            "setup_intents.create",
            lambda lg, _, p: setup.create(lg, p),
        ),
        ("POST", r"/v1/refunds", "refunds.create", lambda lg, _, p: moves.refund(lg, p)),
        (
            "GET",
            r"/v1/refunds",
            "refunds.list",
            lambda lg, _, p: listing.page(lg.refunds.values(), p, "/v1/refunds"),
        ),
        ("GET", r"/v1/refunds/(re_\w+)", "refunds.retrieve", _refund),
    ]
]


def find(method: str, path: str) -> tuple[str, Callable[[Ledger, dict[str, Any]], dict[str, Any]]]:
    """The route name and a call that answers a request, or ``resource_missing``."""
    for m, pattern, name, handler in ROUTES:
        match = pattern.fullmatch(path)
        if m == method and match:
            arg = match.group(1) if pattern.groups else ""
            return name, lambda lg, p, h=handler, a=arg: public(h(lg, a, p))
    raise StripeError(
        404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).", stored=False
    )
