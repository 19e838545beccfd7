"""3-D Secure in the double, as Stripe documents it for a redirect (no Stripe.js).

docs.stripe.com/payments/3d-secure/authentication-flow#manual-redirect: an intent confirmed with
``return_url`` that needs authentication is ``requires_action`` with ``next_action: {type:
redirect_to_url, redirect_to_url: {url, return_url}}``; the customer's browser completes it at
``url`` and comes back to ``return_url`` with ``payment_intent`` added. Approved, the intent goes
on (``requires_capture`` for a manual capture); failed, it is ``requires_payment_method`` with
``last_payment_error.code`` ``payment_intent_authentication_failure`` and no payment method
(docs.stripe.com/error-codes). The double chooses: its page at ``/__double/3ds/{intent}`` is an
approve/deny form (Stripe's test page has "Complete" and "Fail" buttons), and an intent may be
confirmed again while ``requires_action`` only with a ``return_url``. ``POST
/v1/payment_intents/{id}`` updates ``metadata`` only (merged, as Stripe does).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from aiohttp import web

from tests.stripe_double.ledger import Ledger
from tests.stripe_double.wire import invalid

PAGE = "/__double/3ds/"
AUTH_FAILED = "payment_intent_authentication_failure"
_FORM = ('<!doctype html><html lang="en"><body><h1>Stripe double: 3-D Secure</h1>'
         '<form method="post"><button name="result" value="approve">Complete</button>'
         '<button name="result" value="deny">Fail</button></form></body></html>')  # fmt: skip


def update(lg: Ledger, pi_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}: ``metadata`` merged (an empty value deletes a key)."""
    pi = lg.intent(pi_id)
    if set(params) - {"metadata"}:
        raise invalid("The double updates metadata only.", sorted(set(params))[0])
    merged = {**pi["metadata"], **(params.get("metadata") or {})}
    pi["metadata"] = {k: v for k, v in merged.items() if v != ""}
    return pi


def confirm(lg: Ledger, pi_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """POST .../confirm; with ``return_url``, a challenge becomes a redirect."""
    back = params.pop("return_url", None)
    pi = lg.intent(pi_id)
    if back is None or pi["status"] != "requires_action":
        pi = lg.confirm(pi_id, params)
    if back is not None and pi["status"] == "requires_action":
        pi["_return_url"] = back
        url = f"{lg.origin}{PAGE}{pi_id}"
        pi["next_action"] = {"type": "redirect_to_url",
                             "redirect_to_url": {"url": url, "return_url": back}}  # fmt: skip
    return pi


def _decide(pi: dict[str, Any], approve: bool) -> None:
    pi["next_action"] = None
    if not approve:
        error = {"type": "invalid_request_error", "code": AUTH_FAILED,
                 "message": "The provided PaymentMethod has failed authentication."}  # fmt: skip
        pi.update(status="requires_payment_method", payment_method=None, last_payment_error=error)
    elif pi["capture_method"] == "manual":
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
    else:
        pi.update(status="succeeded", amount_received=pi["amount"])


async def page(request: web.Request, lg: Ledger) -> web.Response:
    """The customer's page: GET the form, POST ``result=approve|deny``, then back (303)."""
    pi = lg.intents.get(request.match_info["pi"])
    if pi is None:
        return web.Response(status=404, text="no such payment")
    if request.method == "GET":
        return web.Response(text=_FORM, content_type="text/html")
    result = parse_qs(await request.text()).get("result", [""])[0]
    if result not in ("approve", "deny"):
        return web.Response(status=400, text="result must be approve or deny")
    if pi["status"] == "requires_action":  # the first answer counts
        _decide(pi, result == "approve")
    back = pi.get("_return_url")
    if not back:
        return web.Response(text=f"3-D Secure: {pi['status']}")
    glue = "&" if "?" in back else "?"
    raise web.HTTPSeeOther(back + glue + urlencode({"payment_intent": pi["id"]}))
