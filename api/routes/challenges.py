"""The page a customer's browser comes back to from a 3-D Secure challenge.

The access control server redirects here with the challenge's id. No API key (it is the
customer's browser), and nothing the browser says is believed: the id only wakes the payment,
which asks its processor how the challenge ended. Then the customer goes on to the merchant's
``return_url``, or sees a short page of ours. Not part of the merchant API's OpenAPI document.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import service, temporal
from api.deps import State
from facade import operations as ops
from payments.errors import NotFound, PaymentError
from payments.models import PaymentView
from payments.public import public_status

router = APIRouter(prefix="/v1/payments", include_in_schema=False)
ChallengeId = Annotated[str, Query(alias="authentication", pattern=r"^[A-Za-z0-9_\-]{1,64}$")]

_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Payment</title></head><body><h1>Payment {status}</h1>"
    "<p>You can close this page and return to the shop.</p></body></html>"
)


def _unknown() -> HTMLResponse:
    return HTMLResponse(_PAGE.format(status="not found"), status_code=404)


@router.get("/{payment_id}/challenge_return")
async def challenge_return(payment_id: str, challenge: ChallengeId, state: State) -> Response:
    """Tell the payment its customer is back, then send the customer on (303) or show a page."""
    if not temporal.PAYMENT_ID.match(payment_id):
        return _unknown()
    wait = state.settings.confirm_wait_seconds + 5
    try:
        answer = ops.answer_challenge(state.client, payment_id, challenge)
        view = await service.kept(state, await temporal.call(answer, wait=wait))
    except NotFound:
        return _unknown()
    except PaymentError:
        # Answered already, or no longer waiting: the payment as it is now (no worker needed).
        view = await temporal.call(service.reader(state).read(payment_id), wait=wait)
    return _onward(view, challenge)


def _onward(view: PaymentView, challenge_id: str) -> Response:
    if view.challenge is None or view.challenge.challenge_id != challenge_id:
        return _unknown()  # another payment's challenge: reveal nothing
    status = public_status(view.status, view.capture_method).value
    back = view.challenge.return_url
    if back is None:
        return HTMLResponse(_PAGE.format(status=escape(status.replace("_", " "))))
    glue = "&" if "?" in back else "?"
    return RedirectResponse(back + glue + urlencode({"payment_id": view.payment_id}), 303)
