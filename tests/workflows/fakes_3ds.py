"""Fake 3-D Secure activities: the access control server as each payment's script says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from temporalio import activity

from payments.authentication import (
    AuthenticationStarted,
    AuthenticationState,
    Challenge,
    ConfirmAuthenticationInput,
    StartAuthenticationInput,
)

if TYPE_CHECKING:
    from tests.workflows.fakes import Script

CHALLENGE_URL = "https://acs.example/challenge/"


class FakeAuthentication:
    """Mixed into ``FakeProcessors``: uses its scripts and records calls the same way."""

    scripts: dict[str, Script]

    def _run(self, step: str, processor: str, key: str, amount: int | None = None) -> Script:
        raise NotImplementedError

    @activity.defn(name="start_authentication")
    async def start_authentication(self, req: StartAuthenticationInput) -> AuthenticationStarted:
        """Frictionless, failed at once, or a challenge named after the payment."""
        s = self._run("start_authentication", req.processor, req.idempotency_key)
        state = s.three_ds or AuthenticationState.UNSUPPORTED
        auth_id = f"acs_{req.payment_id}"
        challenge = None
        if state is AuthenticationState.CHALLENGE:
            expires = datetime.now(UTC) + timedelta(seconds=req.expires_in_seconds)
            challenge = Challenge(challenge_id=auth_id, url=CHALLENGE_URL + auth_id,
                                  expires_at=expires)  # fmt: skip
        return AuthenticationStarted(state=state, authentication_id=auth_id, challenge=challenge)

    @activity.defn(name="confirm_authentication")
    async def confirm_authentication(
        self, req: ConfirmAuthenticationInput
    ) -> AuthenticationStarted:
        """What the script says the customer answered at the processor."""
        s = self._run("confirm_authentication", req.processor, req.authentication_id)
        return AuthenticationStarted(state=s.acs, authentication_id=req.authentication_id)
