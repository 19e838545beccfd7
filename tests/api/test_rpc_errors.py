"""How Temporal's RPC errors become answers: only real unavailability is a 503."""

from __future__ import annotations

import pytest
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
