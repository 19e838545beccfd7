"""The hosted payment page at a checkout session's ``url``: the customer's browser, no API key.

The session id in the path is the page's bearer token. The card arrives form-encoded in a POST
body (never in a URL) and is tokenized before anything reaches Temporal. Not part of the
merchant API's OpenAPI document.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from api.body import read_body
from api.checkout import flow, form
from api.checkout.html import plain
from api.checkout.texts import text
from api.deps import State
from api.errors import ApiError
from api.views import language
from payments.public import Language
from stores.checkout import SessionRow

router = APIRouter(prefix="/checkout", include_in_schema=False)
_TOKEN = re.compile(r"^cs_[0-9a-f]{40}$")
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language")]


def _language(session: SessionRow | None, accept_language: str | None) -> Language:
    """The merchant's ``locale`` if it set one, else the browser's preference."""
    if session is not None and session.locale in ("en", "zh"):
        return "zh" if session.locale == "zh" else "en"
    return language(accept_language)


async def _session(state: State, session_id: str) -> SessionRow | None:
    return await state.checkout.get(session_id) if _TOKEN.match(session_id) else None


@router.get("/{session_id}")
async def page(session_id: str, state: State, accept_language: AcceptLanguage = None) -> Response:
    """The page: the card form, the payment's outcome, or the redirect to the shop once paid."""
    session = await _session(state, session_id)
    lang = _language(session, accept_language)
    if session is None:
        return plain(lang, text(lang, "not_found"), 404)
    try:
        return await flow.show(state, session, lang)
    except ApiError:
        return plain(lang, text(lang, "unavailable"), 503)


@router.post("/{session_id}")
async def pay(
    session_id: str, request: Request, state: State, accept_language: AcceptLanguage = None
) -> Response:
    """Pay with the card in the form (``application/x-www-form-urlencoded``)."""
    session = await _session(state, session_id)
    lang = _language(session, accept_language)
    if session is None:
        return plain(lang, text(lang, "not_found"), 404)
    raw = await read_body(request, state.settings.max_body_bytes)
    try:
        return await flow.submit(state, session, form.parse(raw), lang, str(request.base_url))
    except ApiError:
        return plain(lang, text(lang, "unavailable"), 503)
