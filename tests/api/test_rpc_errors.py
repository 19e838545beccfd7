"""How Temporal's RPC errors become answers: only real unavailability is a 503."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from api import temporal
from api.errors import ApiError


async def _raising(status: RPCStatusCode) -> None:
    raise RPCError("refused", status, b"")


@pytest.mark.parametrize(
    ("status", "answer", "code"),
    [
        (RPCStatusCode.UNAVAILABLE, 503, "temporal_unavailable"),
        (RPCStatusCode.DEADLINE_EXCEEDED, 503, "temporal_unavailable"),
        (RPCStatusCode.INVALID_ARGUMENT, 400, "parameter_invalid"),
        (RPCStatusCode.NOT_FOUND, 404, "resource_missing"),
        (RPCStatusCode.UNKNOWN, 500, "internal_error"),
        (RPCStatusCode.PERMISSION_DENIED, 500, "internal_error"),
    ],
)
async def test_only_unavailability_is_a_503(status: RPCStatusCode, answer: int, code: str) -> None:
    with pytest.raises(ApiError) as raised:
        await temporal.call(_raising(status), wait=5)
    assert (raised.value.status, raised.value.code) == (answer, code)


async def _update_given_up() -> None:
    raise WorkflowUpdateRPCTimeoutOrCancelledError()


async def test_an_update_given_up_on_is_an_unknown_outcome_not_a_500() -> None:
    with pytest.raises(ApiError) as raised:
        await temporal.call(_update_given_up(), wait=5)
    assert (raised.value.status, raised.value.code) == (503, "outcome_unknown")
    assert raised.value.headers["Retry-After"] == "1"


async def test_a_cancelled_request_stays_cancelled() -> None:
    # The SDK reports the request's own cancellation as its timeout error: not an answer.
    async def update() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise WorkflowUpdateRPCTimeoutOrCancelledError() from None

    request = asyncio.ensure_future(temporal.call(update(), wait=30))
    await asyncio.sleep(0)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
