"""3-D Secure activities: start an authentication, and ask the processor how it ended.

The second is what makes a challenge's result trustworthy: the workflow is told only that the
customer is back (a challenge id); what the customer answered comes from the processor here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import activity

from payments.authentication import (
    AuthenticationStarted,
    AuthenticationState,
    Challenge,
    ConfirmAuthenticationInput,
    StartAuthenticationInput,
)
from payments.errors import ErrorType
from processors.authentication import (
    AuthenticationLookup,
    AuthenticationRequest,
    AuthenticationStatus,
    Authenticator,
)
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.fleet import Fleet
from processors.models import Card
from processors.protocol import Processor

Call = Callable[[Authenticator], Awaitable[AuthenticationStatus]]


def _started(status: AuthenticationStatus) -> AuthenticationStarted:
    challenge = None
    if status.state is AuthenticationState.CHALLENGE and status.challenge_url:
        challenge = Challenge(challenge_id=status.authentication_id, url=status.challenge_url,
                              expires_at=status.expires_at)  # fmt: skip
    return AuthenticationStarted(
        state=status.state, authentication_id=status.authentication_id, challenge=challenge
    )


class AuthenticationSteps:
    """Mixed into ``PaymentActivities``, whose fleet, vault and error mapping it uses."""

    _fleet: Fleet

    async def _card(self, token: str, merchant_id: str | None) -> Card:
        raise NotImplementedError

    async def _call(
        self, name: str, call: Callable[[Processor], Awaitable[Any]], *, may_fail_over: bool = False
    ) -> Any:
        raise NotImplementedError

    def _supports(self, name: str) -> bool:
        return self._fleet.processors[name].capabilities.has(Capability.THREE_D_SECURE)

    async def _acs(self, name: str, call: Call) -> AuthenticationStatus:
        def send(p: Processor) -> Awaitable[AuthenticationStatus]:
            if not isinstance(p, Authenticator):
                raise ProcessorFailure(ErrorType.INVALID_REQUEST, "unsupported", "no 3-D Secure")
            return call(p)

        status: AuthenticationStatus = await self._call(name, send)
        return status

    @activity.defn(name="start_authentication")
    async def start_authentication(self, req: StartAuthenticationInput) -> AuthenticationStarted:
        """Frictionless, a challenge, or ``unsupported`` when the processor has no 3-D Secure."""
        if not self._supports(req.processor):
            return AuthenticationStarted(state=AuthenticationState.UNSUPPORTED)
        ask = AuthenticationRequest(
            idempotency_key=req.idempotency_key,
            payment_id=req.payment_id,
            merchant_id=req.merchant_id,
            card=await self._card(req.card_token, req.merchant_id),
            amount=req.amount,
            return_url=req.callback_url,
            expires_in_seconds=req.expires_in_seconds,
        )
        return _started(await self._acs(req.processor, lambda p: p.start_authentication(ask)))

    @activity.defn(name="confirm_authentication")
    async def confirm_authentication(
        self, req: ConfirmAuthenticationInput
    ) -> AuthenticationStarted:
        """The authentication's state as the processor recorded it."""
        ask = AuthenticationLookup(authentication_id=req.authentication_id,
                                   payment_id=req.payment_id)  # fmt: skip
        return _started(await self._acs(req.processor, lambda p: p.authentication(ask)))
