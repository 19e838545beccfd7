"""Listing a merchant's payments, newest first, one page at a time.

The order and the cursors come from the API's payment index (``stores.payment_index``); status,
amount and currency of each page's payments from Temporal visibility, in one query per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import WorkflowExecution

from api import temporal
from api.cursors import decode_cursor, encode_cursor
from api.deps import AppState
from api.schemas import ApiStatus, PaymentList, PaymentSummary
from api.views import API_STATUS, internal_statuses
from payments import search_attributes as sa
from payments.status import PaymentStatus
from stores.payment_index import Indexed, Position

# A status filter reads the index in chunks of this many and stops after this many chunks, so a
# page costs a bounded number of queries even if few payments match (the page is then short).
CHUNK = 100
MAX_CHUNKS = 5
# A payment in the index but not (yet) in visibility is shown as processing for this long: the
# workflow may still be starting. Older ones never started (Temporal refused) and are left out.
UNSEEN_GRACE = timedelta(minutes=5)


def query_for(merchant: str, ids: list[str], status: ApiStatus | None) -> str:
    """The visibility query; merchant and payment ids are ``[A-Za-z0-9_-]``, so quoting is safe."""
    listed = ", ".join(f"'{i}'" for i in ids)
    query = f"WorkflowType = 'PaymentWorkflow' AND PaymentMerchant = '{merchant}'"
    query += f" AND WorkflowId IN ({listed})"
    if status is not None:
        values = ", ".join(f"'{s.value}'" for s in internal_statuses(status))
        query += f" AND PaymentStatus IN ({values})"
    return query


def _status(value: str | None) -> ApiStatus:
    try:
        return API_STATUS[PaymentStatus(value or "")]
    except ValueError:
        return ApiStatus.PROCESSING


async def _visible(
    state: AppState, merchant: str, rows: list[Indexed], status: ApiStatus | None
) -> dict[str, WorkflowExecution]:
    ids = [r.payment_id for r in rows if temporal.PAYMENT_ID.match(r.payment_id)]
    if not ids:
        return {}
    found: dict[str, WorkflowExecution] = {}

    async def fetch() -> None:
        async for wf in state.client.list_workflows(
            query_for(merchant, ids, status), page_size=len(ids)
        ):
            found[wf.id] = wf

    await temporal.call(fetch(), wait=state.settings.temporal_rpc_timeout_seconds)
    return found


def _summary(row: Indexed, wf: WorkflowExecution | None) -> PaymentSummary:
    attrs = wf.typed_search_attributes if wf is not None else None
    return PaymentSummary(
        id=row.payment_id,
        status=_status(attrs.get(sa.PAYMENT_STATUS) if attrs else None),
        amount=row.amount,
        currency=row.currency,
        created_at=row.created_at,
    )


@dataclass
class _Page:
    limit: int
    data: list[PaymentSummary]
    last: Position | None = None

    def take(self, row: Indexed, wf: WorkflowExecution | None, now: datetime) -> None:
        if len(self.data) == self.limit:
            return
        self.last = (row.created_us, row.payment_id)
        if wf is not None or now - row.created_at < UNSEEN_GRACE:
            self.data.append(_summary(row, wf))


async def page_of(
    state: AppState, merchant: str, *, status: ApiStatus | None, limit: int, page: str | None
) -> PaymentList:
    """One page of payments, strictly newest first by creation time, and a cursor for the next.

    Raises:
        InvalidRequest: ``page`` is not a cursor this API made.
    """
    result = _Page(limit, [], decode_cursor(page) if page is not None else None)
    size = limit + 1 if status is None else CHUNK
    for _ in range(MAX_CHUNKS):
        rows = await state.index.older(merchant, result.last, size)
        found = await _visible(state, merchant, rows, status)
        now = datetime.now(UTC)
        for row in rows:
            if status is None or row.payment_id in found:
                result.take(row, found.get(row.payment_id), now)
            elif len(result.data) < limit:
                result.last = (row.created_us, row.payment_id)
        consumed = not rows or result.last == (rows[-1].created_us, rows[-1].payment_id)
        if len(rows) < size and consumed:
            return PaymentList(data=result.data, has_more=False, next_page=None)
        if len(result.data) == limit:
            break
    cursor = encode_cursor(result.last) if result.last is not None else None
    return PaymentList(data=result.data, has_more=True, next_page=cursor)
