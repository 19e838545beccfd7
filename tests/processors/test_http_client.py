"""How the processor plumbing classifies what came back, against real sockets.

Whether a failure proves that nothing reached the processor decides between failing over and
asking the processor first, so each way a call can end is checked here on a real connection,
through the simulator adapter (its HTTP plumbing is ``processors.http``).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date

import pytest

from payments.errors import DeclineCode, ErrorType
from payments.money import Currency, Money
from processors.errors import ProcessorFailure
from processors.http import processor_session
from processors.models import AuthorizeRequest, Card
from processors.simulator import SimulatorProcessor

Reply = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TIMEOUT = 0.5
REQUEST = AuthorizeRequest(
    idempotency_key="pay_1:authorize:1",
    payment_id="pay_1",
    merchant_id="m_1",
    card=Card(number="4242424242424242", exp_month=12, exp_year=date.today().year + 1),
    amount=Money(amount=100, currency=Currency.USD),
    hold_ttl_seconds=60,
)


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ),
        0,
    )
    return head + await reader.readexactly(length)


def _answer(status: str, body: bytes) -> Reply:
    async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    return reply


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.close()


async def _stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    await asyncio.sleep(TIMEOUT * 4)
    writer.close()


@asynccontextmanager
async def _processor(reply: Reply) -> AsyncIterator[SimulatorProcessor]:
    server = await asyncio.start_server(reply, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, processor_session(TIMEOUT) as session:
        yield SimulatorProcessor(session, f"http://127.0.0.1:{port}")


async def _failure(reply: Reply) -> ProcessorFailure:
    async with _processor(reply) as processor:
        with pytest.raises(ProcessorFailure) as caught:
            await processor.authorize(REQUEST)
    return caught.value


async def test_nothing_listening_proves_nothing_was_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with processor_session(TIMEOUT) as session:
        with pytest.raises(ProcessorFailure) as caught:
            await SimulatorProcessor(session, f"http://127.0.0.1:{port}").authorize(REQUEST)
    assert caught.value.error_type is ErrorType.PROCESSOR_UNAVAILABLE
    assert caught.value.code == "connection_error"


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (_hang_up, "no_answer"),
        (_stall, "no_answer"),
        (_answer("200 OK", b"<html>"), "unreadable_answer"),
    ],
    ids=["hang-up-after-request", "read-timeout", "success-not-json"],
)
async def test_a_received_request_without_a_readable_answer_is_an_unknown_outcome(
    reply: Reply, code: str
) -> None:
    failure = await _failure(reply)
    assert failure.error_type is ErrorType.OUTCOME_UNKNOWN
    assert failure.code == code


async def test_decline_carries_its_reason_and_is_final() -> None:
    body = (
        b'{"error": {"code": "card_declined", "decline_code": "insufficient_funds",'
        b' "message": "Insufficient funds."}}'
    )
    failure = await _failure(_answer("402 Payment Required", body))
    assert failure.error_type is ErrorType.CARD_DECLINED and not failure.error_type.retryable
    assert failure.decline_code is DeclineCode.INSUFFICIENT_FUNDS


async def test_server_error_is_retryable() -> None:
    failure = await _failure(_answer("503 Service Unavailable", b"oops"))
    assert failure.error_type is ErrorType.PROCESSOR_ERROR and failure.error_type.retryable


async def test_answer_and_idempotency_key_round_trip() -> None:
    seen: list[bytes] = []
    body = b'{"id": "auth_1", "amount": 100, "expires_at": "2030-01-01T00:00:00.000000Z"}'
    answer = _answer("200 OK", body)

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await _read_request(reader))
        await answer(_Replayed(seen[-1]), writer)

    async with _processor(record) as processor:
        result = await processor.authorize(REQUEST)
    assert (result.authorization_id, result.amount) == ("auth_1", 100)
    assert b"idempotency-key: pay_1:authorize:1" in seen[0].lower()


class _Replayed(asyncio.StreamReader):
    """A reader that hands the already-read request to the reply again."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.feed_data(data)
        self.feed_eof()
