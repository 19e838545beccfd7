"""``/v1/customers``: a merchant's customers and the cards saved to them at payment time.

Another merchant's customer or card answers 404 ``resource_missing``, exactly like an unknown
id: the store reads and writes only rows of the asking merchant.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.answers import Answer, idempotent, ok
from api.body import canonical, parse_json, read_body, validate
from api.cursors import decode_cursor, encode_cursor
from api.customer_schemas import (
    CreateCustomer,
    CustomerList,
    CustomerOut,
    DeletedCustomer,
    SavedCardList,
    SavedCardOut,
)
from api.deps import AppState, Merchant, State, idempotency_key
from api.docs import body_doc, error_responses
from api.errors import IdempotencyReused, NotFound
from api.routes.payments import IdempotencyKey
from api.schemas import CardOut
from api.temporal import derived_id
from payments.cards import reject_card_like
from stores.customers import EPOCH, Customer, CustomerIdTaken, Details, SavedCard

router = APIRouter(prefix="/v1/customers", tags=["customers"])
_READ = error_responses(401, 404, 429, 503)


def _json(model: BaseModel) -> Response:
    return Response(model.model_dump_json().encode(), media_type="application/json")


def customer_out(found: Customer, *, shown: bool = True) -> CustomerOut:
    """The API's customer; ``shown=False`` leaves out the details (for the saved answer)."""
    d = found.details if shown else Details()
    return CustomerOut(id=found.id, email=d.email, name=d.name, description=d.description,
                       created_at=found.created_at)  # fmt: skip


def card_out(card: SavedCard, customer: str | None) -> SavedCardOut:
    """A saved card as listed (``customer`` None once detached)."""
    facts = CardOut(brand=card.brand, last4=card.last4, exp_month=card.exp_month,
                    exp_year=card.exp_year)  # fmt: skip
    created = EPOCH + timedelta(microseconds=card.attached_us)
    return SavedCardOut(id=card.token, customer=customer, card=facts, created_at=created)


async def _customer(state: AppState, merchant: str, customer_id: str) -> Customer:
    found = await state.customers.get(merchant, customer_id)
    if found is None:
        raise NotFound("no such customer")
    return found


@router.post(
    "",
    response_model=CustomerOut,
    responses=error_responses(400, 401, 413, 422, 429, 503),
    openapi_extra=body_doc(CreateCustomer),
)
async def create_customer(
    request: Request, state: State, merchant: Merchant, _key: IdempotencyKey = None
) -> Response:
    """Create a customer; its id derives from the Idempotency-Key, so a retry finds the same one.

    E-mail, name and description are stored sealed; a replay answers them as null.
    """
    raw = await read_body(request, state.settings.max_body_bytes)
    key = idempotency_key(request)
    data = parse_json(raw)
    body = validate(CreateCustomer, data)
    reject_card_like(body.name, param="name")
    reject_card_like(body.description, param="description")
    details = Details(email=body.email, name=body.name, description=body.description)

    customer_id = derived_id("cus", merchant, key)

    async def work() -> Answer:
        try:
            made = await state.customers.create(merchant, customer_id, details)
        except CustomerIdTaken:
            raise IdempotencyReused("this Idempotency-Key made a customer since deleted") from None
        return ok(customer_out(made), stored=customer_out(made, shown=False))

    return await idempotent(state, request, merchant, key, canonical(data), work)


@router.get("", response_model=CustomerList, responses=error_responses(400, 401, 429, 503))
async def list_customers(
    state: State,
    merchant: Merchant,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    page: Annotated[str | None, Query(max_length=4096)] = None,
) -> Response:
    """This merchant's customers, strictly newest first (keyset pages that never shift)."""
    after = decode_cursor(page) if page is not None else None
    rows = await state.customers.older(merchant, after, limit + 1)
    shown = rows[:limit]
    more = len(rows) > limit
    cursor = encode_cursor((shown[-1].created_us, shown[-1].id)) if more else None
    data = [customer_out(c) for c in shown]
    return _json(CustomerList(data=data, has_more=more, next_page=cursor))


@router.get("/{customer_id}", response_model=CustomerOut, responses=_READ)
async def get_customer(customer_id: str, state: State, merchant: Merchant) -> Response:
    """One customer of this merchant."""
    return _json(customer_out(await _customer(state, merchant, customer_id)))


@router.delete("/{customer_id}", response_model=DeletedCustomer, responses=_READ)
async def delete_customer(customer_id: str, state: State, merchant: Merchant) -> Response:
    """Delete a customer and detach its cards (they can no longer pay); its payments stay."""
    if not await state.customers.delete(merchant, customer_id):
        raise NotFound("no such customer")
    return _json(DeletedCustomer(id=customer_id))


@router.get("/{customer_id}/payment_methods", response_model=SavedCardList, responses=_READ)
async def list_saved_cards(customer_id: str, state: State, merchant: Merchant) -> Response:
    """The cards saved to this customer, oldest first: brand, last4 and expiry, never the number."""
    found = await _customer(state, merchant, customer_id)
    cards = await state.customers.cards(merchant, found.id)
    return _json(SavedCardList(data=[card_out(c, found.id) for c in cards]))


@router.delete(
    "/{customer_id}/payment_methods/{payment_method}", response_model=SavedCardOut, responses=_READ
)
async def detach_card(
    customer_id: str, payment_method: str, state: State, merchant: Merchant
) -> Response:
    """Detach a saved card: its ``pm_`` id can no longer pay (``resource_missing``)."""
    found = await _customer(state, merchant, customer_id)
    cards = {c.token: c for c in await state.customers.cards(merchant, found.id)}
    card = cards.get(payment_method)
    if card is None or not await state.customers.detach(merchant, found.id, payment_method):
        raise NotFound("no such payment method")
    return _json(card_out(card, None))
