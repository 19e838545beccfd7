"""3-D Secure through the ``Authenticator`` Protocol, for processors that declare it."""

from __future__ import annotations

import aiohttp
import pytest

from cli.testcards import card_number
from payments.authentication import AuthenticationState
from payments.errors import DeclineCode
from payments.money import Currency, Money
from processors.authentication import AuthenticationLookup, AuthenticationRequest, Authenticator
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.protocol import Processor
from tests.processors import support as s
from tests.processors.test_conformance import need, refused


def _start(ask_pid: str, number: str) -> AuthenticationRequest:
    return AuthenticationRequest(
        idempotency_key=f"{ask_pid}:authorize:authenticate", payment_id=ask_pid,
        merchant_id="merchant_conformance", card=s.card(number),
        amount=Money(amount=1000, currency=Currency.USD), return_url=None, expires_in_seconds=60,
    )  # fmt: skip


async def test_a_processor_declaring_3ds_is_an_authenticator(processor: Processor) -> None:
    assert isinstance(processor, Authenticator) == processor.capabilities.has(
        Capability.THREE_D_SECURE
    )


async def test_challenge_then_authorize_with_the_authentication(processor: Processor) -> None:
    need(processor, Capability.THREE_D_SECURE)
    assert isinstance(processor, Authenticator)
    ask = s.authorize(card_number("challenge"), 1000)
    failure = await refused(processor.authorize(ask))
    assert failure.decline_code is DeclineCode.AUTHENTICATION_REQUIRED
    started = await processor.start_authentication(_start(ask.payment_id, card_number("challenge")))
    again = await processor.start_authentication(_start(ask.payment_id, card_number("challenge")))
    assert again.authentication_id == started.authentication_id, "same key, same authentication"
    assert started.state is AuthenticationState.CHALLENGE and started.challenge_url
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData({"result": "approve"})
        async with http.post(started.challenge_url, data=form) as answer:
            assert answer.status == 200
    look = AuthenticationLookup(authentication_id=started.authentication_id,
                                payment_id=ask.payment_id)  # fmt: skip
    assert (await processor.authentication(look)).state is AuthenticationState.AUTHENTICATED
    other = AuthenticationLookup(authentication_id=started.authentication_id, payment_id="pay_x")
    with pytest.raises(ProcessorFailure):
        await processor.authentication(other)
    held = ask.model_copy(update={"idempotency_key": ask.idempotency_key + ":3ds",
                                  "authentication_id": started.authentication_id})  # fmt: skip
    assert (await processor.authorize(held)).amount == 1000
