"""A TEST STAND-IN for Stripe's hosted 3-D Secure page, served by localstripe (never Stripe).

Stripe answers a PaymentIntent confirmed with ``return_url`` that needs 3-D Secure with
``status: requires_action`` and ``next_action: {type: redirect_to_url, redirect_to_url: {url,
return_url}}``; the customer's browser goes to ``url`` (Stripe's page, the issuer's challenge),
then back to ``return_url``. localstripe 1.15 has no such page: it answers ``use_stripe_sdk``
and completes the challenge through a private ``POST /v1/payment_intents/{id}/_authenticate``.
This module makes localstripe answer as Stripe documents and serves a plain approve/deny form at
``/_compat/3ds/{intent id}`` that calls localstripe's own ``_authenticate`` (no API key: it is the
customer's browser), then redirects to ``return_url`` with ``payment_intent`` added, as Stripe
does. ``python -m stack.localstripe --stripe-3ds`` (included in ``--stripe-compat``).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

PAGE = "/_compat/3ds/"
_origin = ["http://127.0.0.1"]
"""The address clients reach this localstripe at (from the latest request)."""
_FORM = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>3-D Secure (test stand-in)</title></head><body>"
    "<p><strong>Test stand-in for Stripe's hosted 3-D Secure page</strong> (localstripe, "
    "stack/localstripe_3ds.py). Not Stripe.</p><h1>Confirm {amount} {currency}</h1>"
    '<form method="post"><button name="result" value="approve">Approve</button> '
    '<button name="result" value="deny">Deny</button></form></body></html>'
)
_DONE = "<!doctype html><html lang='en'><body><h1>3-D Secure: {status}</h1></body></html>"


def _redirect(pi: Any) -> None:
    """Stripe's ``redirect_to_url`` instead of localstripe's ``use_stripe_sdk``."""
    back = getattr(pi, "_return_url", None)
    if pi.status == "requires_action" and back:
        url = f"{_origin[0]}{PAGE}{pi.id}"
        pi.next_action = {"type": "redirect_to_url",
                          "redirect_to_url": {"url": url, "return_url": back}}  # fmt: skip


def _confirm_with_return_url() -> None:
    original = resources.PaymentIntent._api_confirm
    path = "/v1/payment_intents/{id}/confirm"

    def confirm(id: Any = None, return_url: Any = None, **kwargs: Any) -> Any:
        if return_url is None:
            return original(id, **kwargs)
        pi = resources.PaymentIntent._api_retrieve(id)
        pi._return_url = str(return_url)
        # Stripe confirms a requires_action intent again; localstripe only a fresh one.
        if pi.status != "requires_action":
            pi = original(id, **kwargs)
        _redirect(pi)
        return pi

    # localstripe bound its extra routes to the functions at import: replace the handler.
    for route in server.app.router.routes():
        if route.method == "POST" and route.resource and route.resource.canonical == path:
            route._handler = server.api_extra(confirm, path)


def _back(pi: Any) -> web.Response:
    back = getattr(pi, "_return_url", None)
    if not back:
        return web.Response(text=_DONE.format(status=escape(pi.status)), content_type="text/html")
    glue = "&" if "?" in back else "?"
    raise web.HTTPSeeOther(back + glue + urlencode({"payment_intent": pi.id}))


async def _page(request: web.Request) -> web.Response:
    try:
        pi = resources.PaymentIntent._api_retrieve(request.path.removeprefix(PAGE))
    except UserError:
        return web.Response(text=_DONE.format(status="not found"), status=404,
                            content_type="text/html")  # fmt: skip
    if request.method == "GET":
        if pi.status != "requires_action":
            return _back(pi)
        page = _FORM.format(amount=pi.amount, currency=escape(pi.currency.upper()))
        return web.Response(text=page, content_type="text/html")
    result = (await request.post()).get("result")
    if result not in ("approve", "deny"):
        return web.Response(text=_DONE.format(status="invalid answer"), status=400,
                            content_type="text/html")  # fmt: skip
    if pi.status == "requires_action":  # the first answer counts, as at an issuer
        resources.PaymentIntent._api_authenticate(
            pi.id, client_secret=pi.client_secret, success=result == "approve"
        )
    return _back(pi)


@web.middleware
async def _challenge_page(request: web.Request, handler: Any) -> web.StreamResponse:
    """Before localstripe's API-key check: the page is for the customer's browser."""
    _origin[0] = str(request.url.origin())
    if request.path.startswith(PAGE) and request.method in ("GET", "POST"):
        return await _page(request)
    response: web.StreamResponse = await handler(request)
    return response


def apply() -> None:
    """Answer ``redirect_to_url`` and serve the stand-in page (before the app starts)."""
    _confirm_with_return_url()
    server.app.middlewares.insert(0, _challenge_page)
