"""Listing a merchant's payments, newest first, one page at a time.

The order and the cursors come from the API's payment index (``stores.payment_index``); each
payment's status from the read model kept in the same rows. A row whose workflow may still
change is refreshed first, as GET reads it (``facade.reads``: a describe, a closed workflow's
result, a bounded query only for open payments in flux), then a status filter applies. No
worker is needed, and visibility is not asked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from api import service, temporal
from api.cursors import decode_cursor, encode_cursor
from api.deps import AppState
from api.schemas import ApiStatus, PaymentList, PaymentSummary
from payments.errors import NotFound
from payments.public import public_status
from stores.payment_index import Indexed, Position

# A status filter reads the index in chunks of this many and stops after this many chunks, so a
# page costs bounded work even if few payments match (the page is then short).
CHUNK = 100
MAX_CHUNKS = 5
# Rows of a chunk refreshed at once (finished payments kept as final cost no Temporal call).
PARALLEL = 10
# A payment in the index but not (yet) in Temporal is shown as processing for this long: the
# workflow may still be starting. Older ones never started (Temporal refused) and are left out.
UNSEEN_GRACE = timedelta(minutes=5)


async def _statuses(state: AppState, rows: list[Indexed]) -> dict[str, ApiStatus]:
    """Each row's status as GET shows it; rows Temporal does not know are left out."""
    reader = service.reader(state)
    wait = state.settings.temporal_rpc_timeout_seconds + reader.query_seconds
    turns = asyncio.Semaphore(PARALLEL)

    async def one(row: Indexed) -> tuple[str, ApiStatus | None]:
        if not temporal.PAYMENT_ID.match(row.payment_id):
            return row.payment_id, None
        async with turns:
            try:
                view = await temporal.call(reader.refresh(row.payment_id, row.latest), wait=wait)
            except NotFound:
                return row.payment_id, None
        return row.payment_id, public_status(view.status, view.capture_method)

    found = await asyncio.gather(*(one(r) for r in rows))
    return {payment_id: status for payment_id, status in found if status is not None}


def _summary(row: Indexed, status: ApiStatus | None) -> PaymentSummary:
    return PaymentSummary(
        id=row.payment_id,
        status=status or ApiStatus.PROCESSING,
        amount=row.amount,
        currency=row.currency,
        created_at=row.created_at,
    )


@dataclass
class _Page:
    limit: int
    data: list[PaymentSummary]
    last: Position | None = None

    def take(self, row: Indexed, status: ApiStatus | None, now: datetime) -> None:
        if len(self.data) == self.limit:
            return
        self.last = (row.created_us, row.payment_id)
        if status is not None or now - row.created_at < UNSEEN_GRACE:
            self.data.append(_summary(row, status))


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
        found = await _statuses(state, rows)
        now = datetime.now(UTC)
        for row in rows:
            if status is None or found.get(row.payment_id) is status:
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
