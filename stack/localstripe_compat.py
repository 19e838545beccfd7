"""localstripe as the throwaway stack (bench, chaos) runs it: closer to Stripe's documented API.

``python -m stack.localstripe --stripe-compat`` applies, on top of the launcher's own set-up,
three things localstripe 1.15 does differently from Stripe, each as Stripe documents it, so that
the connector sends exactly what it sends to Stripe:

- a SetupIntent is created with ``payment_method`` and ``confirm=true`` in one call (the
  connector's card check); localstripe only takes them on a separate confirm;
- Stripe's test cards 4000000000000002 and 4000000000009995 decline with ``card_declined`` and
  ``decline_code`` ``generic_decline`` and ``insufficient_funds`` (the chaos harness's decline
  plans, when the primary is down and they fail over); localstripe approves both;
- a PaymentIntent reports ``amount_received`` (what was captured, after a partial capture);
  localstripe leaves it out, so a partial capture would read as the full amount;
- 3-D Secure answers ``next_action.redirect_to_url`` with a test stand-in for Stripe's page
  (``stack/localstripe_3ds.py``, applied by the launcher with this set or on its own).

The conformance suite's localstripe target runs without them (it tests localstripe as it is),
except the 3-D Secure page, which localstripe has no counterpart of (``--stripe-3ds``).
"""

from __future__ import annotations

import os
from typing import Any

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

REQUEST_LOG = "LOCALSTRIPE_REQUEST_LOG"
"""Set to 1: print ``stripe-request <METHOD> <path>`` per request (chaos counts inquiries)."""
DECLINES = {"4000000000000002": "generic_decline", "4000000000009995": "insufficient_funds"}


def _setup_intent_confirmed_on_create() -> None:
    original = resources.SetupIntent._api_create.__func__

    def create(cls: Any, /, payment_method: Any = None, confirm: Any = None, **data: Any) -> Any:
        obj = original(cls, **data)
        if payment_method is not None and str(confirm).lower() == "true":
            return cls._api_confirm(obj.id, payment_method=payment_method)
        if payment_method is not None:
            obj.payment_method = payment_method
        return obj

    resources.SetupIntent._api_create = classmethod(create)


def _test_card_declines() -> None:
    method, charge = resources.PaymentMethod, resources.Charge
    declined = method._charging_is_declined

    def charging_is_declined(self: Any) -> bool:
        return bool(declined(self)) or getattr(self, "_card_number", None) in DECLINES

    def decline_code(self: Any) -> str | None:
        pm = method._api_retrieve(self.payment_method)
        return DECLINES.get(getattr(pm, "_card_number", ""))

    def raise_failure(self: Any) -> None:
        error = {"code": self.failure_code, "charge": self.id}
        if (code := decline_code(self)) is not None:
            error["decline_code"] = code
        raise UserError(402, self.failure_message, error)

    last_error = resources.PaymentIntent.last_payment_error

    def last_payment_error(self: Any) -> Any:
        error = last_error.fget(self)
        if error and self.latest_charge is not None:
            code = decline_code(self.latest_charge)
            error = {**error, **({"decline_code": code} if code else {})}
        return error

    method._charging_is_declined = charging_is_declined
    charge._raise_failure = raise_failure
    resources.PaymentIntent.last_payment_error = property(last_payment_error)


def _amount_received() -> None:
    capture = resources.Charge._capture

    def captured(self: Any, amount: Any, on_success: Any = None) -> Any:
        self._captured_amount = self.amount if amount is None else int(amount)
        return capture(self, amount, on_success)

    def amount_received(self: Any) -> int:
        charge = self.latest_charge
        if charge is None or not getattr(charge, "captured", False):
            return 0
        return int(getattr(charge, "_captured_amount", charge.amount))

    resources.Charge._capture = captured
    resources.PaymentIntent.amount_received = property(amount_received)


@web.middleware
async def _log_request(request: web.Request, handler: Any) -> web.StreamResponse:
    print(f"stripe-request {request.method} {request.path}", flush=True)
    response: web.StreamResponse = await handler(request)
    return response


def apply() -> None:
    """Patch localstripe's resources (and log each request if ``LOCALSTRIPE_REQUEST_LOG=1``)."""
    _setup_intent_confirmed_on_create()
    _test_card_declines()
    _amount_received()
    if os.environ.get(REQUEST_LOG) == "1":
        server.app.middlewares.append(_log_request)
