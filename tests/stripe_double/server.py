"""The contract double's HTTP server: Stripe's API shape on 127.0.0.1, state in memory.

``StripeDouble`` runs it on a thread of its own (an OS-assigned port), so that both the sync
and the async SDK clients can call it from tests; ``python -m tests.stripe_double`` runs it
alone.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import socket
import struct
import time
from typing import Any

from aiohttp import web

from tests.stripe_double import routes
from tests.stripe_double.faults import Fault, Faults
from tests.stripe_double.idempotency import Keys, fingerprint
from tests.stripe_double.ledger import Ledger
from tests.stripe_double.wire import StripeError, parse_form

SHOULD_RETRY = {429: "true", 409: "true", 500: "true"}
"""``Stripe-Should-Retry`` on errors from requests that did not execute; errors from
requests that did (declines, saved 500s) say ``false``: a retry would replay them."""


class Double:
    """The state one server answers from: objects, saved keys, faults and a movable clock."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.ledger = Ledger(self.now)
        self.keys = Keys(self.now)
        self.faults = Faults()

    def now(self) -> float:
        """Unix time as the double sees it (``POST /__double/clock`` moves it on)."""
        return time.time() + self.offset


DOUBLE = web.AppKey("double", Double)


def _answer(status: int, body: dict[str, Any], headers: dict[str, str]) -> web.Response:
    headers = {"Request-Id": f"req_{secrets.token_hex(7)}", **headers}
    return web.Response(
        status=status, text=json.dumps(body), headers=headers, content_type="application/json"
    )


def _error(err: StripeError, executed: bool) -> tuple[int, dict[str, Any], dict[str, str]]:
    retry = "false" if executed else SHOULD_RETRY.get(err.status, "false")
    return err.status, err.body(), {"Stripe-Should-Retry": retry}


def _reset(request: web.Request) -> web.Response:
    """Drop the connection with a TCP reset (SO_LINGER 0), as a broken network would."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return web.Response(status=499)  # never reaches anyone


async def _before(request: web.Request, fault: Fault | None) -> web.Response | None:
    """Faults that strike before the request executes: nothing changes, nothing is saved."""
    if fault is None or fault.mode.startswith("apply_") or fault.mode == "slow":
        return None
    if fault.mode == "timeout":
        await asyncio.sleep(fault.seconds)
        return _reset(request)
    if fault.mode == "reset":
        return _reset(request)
    if fault.mode == "429":
        err = StripeError(
            429,
            "invalid_request_error",
            "Too many requests hit the API too quickly. We recommend an exponential backoff.",
            code="rate_limit",
        )
        status, body, headers = _error(err, executed=False)
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        return _answer(status, body, headers)
    err = StripeError(500, "api_error", "An unknown error occurred on Stripe's end.")
    return _answer(*_error(err, executed=False))


def _execute(
    double: Double, route: Any, params: dict[str, Any]
) -> tuple[int, dict[str, Any], dict[str, str], bool]:
    """Run the endpoint: (status, body, headers, whether the key keeps the answer)."""
    try:
        return 200, route(double.ledger, params), {}, True
    except StripeError as err:
        return *_error(err, executed=err.stored), err.stored


def api_key(request: web.Request) -> str | None:
    """The ``sk_test_`` key of a request: Bearer, or Basic with the key as user name
    (docs.stripe.com/api/authentication)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme == "Basic":
        try:
            value = base64.b64decode(value).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
    elif scheme != "Bearer":
        return None
    return value if value.startswith("sk_test_") else None


def _scope(request: web.Request) -> tuple[str, str] | None:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        return None
    return api_key(request) or "", key


async def stripe_api(request: web.Request) -> web.Response:
    """Every ``/v1/...`` request."""
    double: Double = request.app[DOUBLE]
    double.ledger.origin = str(request.url.origin())
    if api_key(request) is None:
        err = StripeError(401, "invalid_request_error", "Invalid API Key provided.")
        return _answer(*_error(err, executed=False))
    raw = await request.text() if request.method == "POST" else request.query_string
    params = parse_form(raw)
    try:
        name, route = routes.find(request.method, request.path)
    except StripeError as err:
        return _answer(*_error(err, executed=False))
    fault = double.faults.take(name)
    if (early := await _before(request, fault)) is not None:
        return early
    return await _keyed(request, double, fault, route, params)


async def _keyed(
    request: web.Request, double: Double, fault: Fault | None, route: Any, params: dict[str, Any]
) -> web.Response:
    """Idempotency around the execution, then the faults that strike after it."""
    scope = _scope(request)
    echo = {"Idempotency-Key": scope[1]} if scope else {}
    if scope:
        try:
            saved = double.keys.begin(scope, fingerprint(request.method, request.path, params))
        except StripeError as err:
            return _answer(*_error(err, executed=False))
        if saved is not None:
            replay = {**saved.headers, **echo, "Idempotent-Replayed": "true"}
            return _answer(saved.status or 500, saved.body, replay)
    if fault is not None and fault.mode == "slow":
        await asyncio.sleep(fault.seconds)
    status, body, headers, keep = _execute(double, route, params)
    if fault is not None and fault.mode == "apply_then_500":
        late = StripeError(500, "api_error", "An unknown error occurred on Stripe's end.")
        status, body, headers = _error(late, executed=True)
    if scope and keep:
        double.keys.save(scope, status, body, headers)
    elif scope:
        double.keys.forget(scope)
    return await _after(request, fault, _answer(status, body, {**headers, **echo}))


async def _after(request: web.Request, fault: Fault | None, answer: web.Response) -> web.Response:
    if fault is not None and fault.mode == "apply_then_timeout":
        await asyncio.sleep(fault.seconds)
    if fault is not None and fault.mode == "apply_then_reset":
        return _reset(request)
    return answer
