"""3-D Secure through the ``Authenticator`` Protocol, for processors that declare it."""

from __future__ import annotations

import aiohttp
import pytest
from yarl import URL

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

RETURN_URL = "http://shop.invalid/back?order=7"


def _start(ask_pid: str, number: str) -> AuthenticationRequest:
    return AuthenticationRequest(
        idempotency_key=f"{ask_pid}:authorize:authenticate", payment_id=ask_pid,
        merchant_id="merchant_conformance", card=s.card(number),
        amount=Money(amount=1000, currency=Currency.USD), return_url=RETURN_URL,
        expires_in_seconds=60,
    )  # fmt: skip


async def _answer(url: str, result: str, authentication_id: str) -> None:
    """The customer's browser: the form, then the redirect back with the authentication's id."""
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData({"result": result})
        async with http.post(url, data=form, allow_redirects=False) as answer:
            assert answer.status == 303
            back = URL(answer.headers["Location"])
    assert str(back).startswith(RETURN_URL + "&"), "the caller's return URL, query kept"
    assert back.query["authentication"] == authentication_id


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
    look = AuthenticationLookup(authentication_id=started.authentication_id,
                                payment_id=ask.payment_id)  # fmt: skip
    assert (await processor.authentication(look)).state is AuthenticationState.CHALLENGE
    await _answer(started.challenge_url, "approve", started.authentication_id)
    look = AuthenticationLookup(authentication_id=started.authentication_id,
                                payment_id=ask.payment_id)  # fmt: skip
    assert (await processor.authentication(look)).state is AuthenticationState.AUTHENTICATED
    other = AuthenticationLookup(authentication_id=started.authentication_id, payment_id="pay_x")
    with pytest.raises(ProcessorFailure):
        await processor.authentication(other)
    held = ask.model_copy(update={"idempotency_key": ask.idempotency_key + ":3ds",
                                  "authentication_id": started.authentication_id})  # fmt: skip
    assert (await processor.authorize(held)).amount == 1000


async def test_a_denied_challenge_fails_and_holds_nothing(processor: Processor) -> None:
    need(processor, Capability.THREE_D_SECURE)
    assert isinstance(processor, Authenticator)
    ask = s.authorize(card_number("challenge"), 1000)
    await refused(processor.authorize(ask))
    started = await processor.start_authentication(_start(ask.payment_id, card_number("challenge")))
    assert started.state is AuthenticationState.CHALLENGE and started.challenge_url
    await _answer(started.challenge_url, "deny", started.authentication_id)
    look = AuthenticationLookup(authentication_id=started.authentication_id,
                                payment_id=ask.payment_id)  # fmt: skip
    assert (await processor.authentication(look)).state is AuthenticationState.FAILED
    held = ask.model_copy(update={"idempotency_key": ask.idempotency_key + ":3ds",
                                  "authentication_id": started.authentication_id})  # fmt: skip
    with pytest.raises(ProcessorFailure):
        await processor.authorize(held)
