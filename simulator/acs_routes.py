"""HTTP of the access control server: the JSON API for processors' clients, the HTML challenge
page for the customer's browser."""

from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from simulator import acs, acs_page
from simulator.db import utc_now
from simulator.errors import SimError
from simulator.faults import Operation
from simulator.idempotency import LedgerOp
from simulator.pipeline import error_response, mutate, respond, state

router = APIRouter()
MAX_FORM_BYTES = 1024


@router.post("/v1/authentications")
async def start_authentication(request: Request) -> Response:
    """Start 3-D Secure for a card on one payment (exactly once per Idempotency-Key)."""
    sim, base = state(request), str(request.base_url)

    def build(body: acs.AuthenticateIn) -> LedgerOp:
        def op(conn: object, ctx: object) -> tuple[int, BaseModel]:
            return 201, acs.start(conn, sim.db.salt, body, ctx, base)  # type: ignore[arg-type]

        return op

    return await mutate(request, Operation.AUTHENTICATE, acs.AuthenticateIn, build)


@router.get("/v1/authentications/{auth_id}")
async def get_authentication(request: Request, auth_id: str) -> Response:
    """How an authentication stands now (an overdue challenge reads ``expired``)."""
    db, base = state(request).db, str(request.base_url)

    def run() -> bytes:
        with db.write() as conn:
            return acs.out(acs.load(conn, auth_id, utc_now()), base).model_dump_json().encode()

    try:
        return respond(200, await run_in_threadpool(run))
    except SimError as err:
        return error_response(err)


@router.get("/acs/{auth_id}")
async def challenge_page(request: Request, auth_id: str) -> Response:
    """The challenge: approve or deny, a plain form."""
    db = state(request).db

    def run() -> tuple[str, str]:
        with db.write() as conn:
            row = acs.load(conn, auth_id, utc_now())
        if row["state"] != "challenge":
            return row["state"], acs_page.decided(row["state"])
        page = acs_page.challenge(auth_id, row["merchant_id"], row["amount"], row["currency"])
        return row["state"], page

    try:
        _, page = await run_in_threadpool(run)
    except SimError:
        return HTMLResponse(acs_page.decided("expired"), status_code=404)
    return HTMLResponse(page)


@router.post("/acs/{auth_id}")
async def answer_challenge(request: Request, auth_id: str) -> Response:
    """Record ``result=approve|deny`` once, then send the browser back (303) if a return URL
    was given, with the authentication's id added."""
    raw = await request.body()
    result = parse_qs(raw[:MAX_FORM_BYTES].decode("ascii", "replace")).get("result", [""])[0]
    if result not in ("approve", "deny"):
        return HTMLResponse(acs_page.decided("invalid answer"), status_code=400)
    db = state(request).db

    def run() -> tuple[str, str | None]:
        with db.write() as conn:
            row = acs.answer(conn, auth_id, result == "approve", utc_now())
        return row["state"], row["return_url"]

    try:
        decided, back = await run_in_threadpool(run)
    except SimError:
        return HTMLResponse(acs_page.decided("expired"), status_code=404)
    if back is None:
        return HTMLResponse(acs_page.decided(decided))
    glue = "&" if "?" in back else "?"
    return RedirectResponse(back + glue + urlencode({"authentication": auth_id}), 303)
