"""Listing a merchant's payments from Temporal visibility, one page at a time."""

from __future__ import annotations

import base64
import binascii

from api import temporal
from api.deps import AppState
from api.errors import InvalidRequest
from api.schemas import ApiStatus, PaymentList, PaymentSummary
from api.views import API_STATUS, internal_statuses
from payments import search_attributes as sa
from payments.status import PaymentStatus


def _cursor(page: str | None) -> bytes | None:
    if page is None:
        return None
    try:
        return base64.urlsafe_b64decode(page.encode() + b"=" * (-len(page) % 4))
    except (binascii.Error, ValueError):
        raise InvalidRequest("page is not a cursor from next_page", param="page") from None


def query_for(merchant: str, status: ApiStatus | None) -> str:
    """The visibility query; merchant ids are ``[A-Za-z0-9_-]`` so quoting is safe."""
    query = f"WorkflowType = 'PaymentWorkflow' AND PaymentMerchant = '{merchant}'"
    if status is not None:
        values = ", ".join(f"'{s.value}'" for s in internal_statuses(status))
        query += f" AND PaymentStatus IN ({values})"
    return query


def _status(value: str | None) -> ApiStatus:
    try:
        return API_STATUS[PaymentStatus(value or "")]
    except ValueError:
        return ApiStatus.PROCESSING


async def page_of(
    state: AppState, merchant: str, *, status: ApiStatus | None, limit: int, page: str | None
) -> PaymentList:
    """One page of payments, newest first, and a cursor for the next."""
    iterator = state.client.list_workflows(
        query_for(merchant, status), page_size=limit, next_page_token=_cursor(page)
    )
    wait = state.settings.temporal_rpc_timeout_seconds
    await temporal.call(iterator.fetch_next_page(), wait=wait)
    data = [
        PaymentSummary(
            id=wf.id,
            status=_status(wf.typed_search_attributes.get(sa.PAYMENT_STATUS)),
            amount=wf.typed_search_attributes.get(sa.PAYMENT_AMOUNT),
            currency=wf.typed_search_attributes.get(sa.PAYMENT_CURRENCY),
            created_at=wf.start_time,
        )
        for wf in iterator.current_page or []
    ]
    token = iterator.next_page_token
    cursor = base64.urlsafe_b64encode(token).decode().rstrip("=") if token else None
    return PaymentList(data=data, has_more=cursor is not None, next_page=cursor)
