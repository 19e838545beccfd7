"""Request and response models of ``/v1/customers``: frozen, strict, unknown fields refused."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import StrictStr, StringConstraints

from api import stated
from api.schemas import CardOut, Strict
from payments.models import Email

Name = Annotated[StrictStr, StringConstraints(max_length=200), stated.NOT_CARD_LIKE]


class CreateCustomer(Strict):
    """``POST /v1/customers``: every field optional; free text holding card numbers is refused."""

    email: Email | None = None
    name: Name | None = None
    description: stated.Text | None = None


class CustomerOut(Strict):
    """A customer of this merchant. A replayed create answers its details as null (they are
    kept only sealed): fetch the customer for them."""

    id: str
    object: Literal["customer"] = "customer"
    email: str | None
    name: str | None
    description: str | None
    created_at: datetime


class CustomerList(Strict):
    """One page of customers, newest first; pass ``next_page`` as ``page`` for the next."""

    object: Literal["list"] = "list"
    data: list[CustomerOut]
    has_more: bool
    next_page: str | None


class DeletedCustomer(Strict):
    """A customer deleted; its saved cards are detached and can no longer pay."""

    id: str
    object: Literal["customer"] = "customer"
    deleted: Literal[True] = True


class SavedCardOut(Strict):
    """A card saved to a customer: its ``pm_`` id and what may be shown, never the number."""

    id: str
    object: Literal["payment_method"] = "payment_method"
    customer: str | None
    """Null once detached: the id can then no longer pay."""
    card: CardOut
    created_at: datetime


class SavedCardList(Strict):
    """A customer's saved cards, oldest first."""

    object: Literal["list"] = "list"
    data: list[SavedCardOut]
