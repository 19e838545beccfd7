"""The simulator adapter: the ``Processor`` Protocol over the simulator's HTTP API."""

from __future__ import annotations

from datetime import datetime

import aiohttp

from payments.errors import ErrorType
from payments.money import Currency
from processors.authentication import (
    AuthenticationLookup,
    AuthenticationRequest,
    AuthenticationStatus,
)
from processors.books import Effect, LedgerCheck
from processors.capabilities import Capabilities, Capability
from processors.errors import ProcessorFailure
from processors.http import JSON, Answer, JsonHttp
from processors.models import (
    Authorization,
    AuthorizeRequest,
    Balance,
    BalanceRequest,
    Capture,
    CaptureRequest,
    CardCheck,
    InquiryAnswer,
    InquiryRequest,
    RefundMade,
    RefundRequest,
    Release,
    RequestState,
    VerifiedCard,
    VoidRequest,
)
from processors.simulator import acs, wire

KIND = "simulator"
CAPABILITIES = Capabilities(
    supported=frozenset(Capability) - {Capability.PROCESSOR_PAYMENT_METHODS},
    currencies=frozenset(Currency),
)


class SimulatorProcessor:
    """One simulator, reached through the process's shared aiohttp session."""

    kind = KIND
    capabilities = CAPABILITIES

    def __init__(
        self, http: aiohttp.ClientSession, base_url: str, *, unsafe_random_keys: bool = False
    ) -> None:
        """Talk to the simulator at ``base_url`` (see ``JsonHttp`` for the unsafe switch)."""
        self._http = JsonHttp(http, base_url, unsafe_random_keys=unsafe_random_keys)

    async def _json(
        self, method: str, path: str, *, key: str | None = None, body: JSON | None = None
    ) -> JSON:
        answer = await self._http.call(method, path, key=key, body=body)
        if not answer.ok or answer.body is None:
            raise wire.failure_from(answer.status, answer.body)
        return answer.body

    async def verify_card(self, card: CardCheck) -> VerifiedCard:
        """Check the card and its CVC."""
        body = {**wire.card_body(card), "cvc": card.cvc}
        data = await self._json("POST", wire.VERIFY, body=body)
        return VerifiedCard(brand=data["brand"], last4=data["last4"], funding=data["funding"])

    async def balance(self, req: BalanceRequest) -> Balance:
        """Available balance or credit on the card."""
        body = {"card": wire.card_body(req.card), "currency": req.currency.value}
        data = await self._json("POST", wire.BALANCE, body=body)
        return Balance(available=data["available"], funding=data["funding"])

    async def authorize(self, req: AuthorizeRequest) -> Authorization:
        """Place a hold on a vault card; the simulator holds no PaymentMethods of its own."""
        if req.card is None:
            raise ProcessorFailure(
                ErrorType.INVALID_REQUEST,
                "unsupported",
                "the simulator takes vault cards only, not a processor's own PaymentMethod",
            )
        body = wire.authorize_body(req.card, req)
        data = await self._json("POST", wire.AUTHORIZATIONS, key=req.idempotency_key, body=body)
        return wire.authorization(data)

    async def capture(self, req: CaptureRequest) -> Capture:
        """Post part or all of a hold."""
        path, body = wire.capture_path(req.authorization_id), wire.capture_body(req)
        return wire.capture(await self._json("POST", path, key=req.idempotency_key, body=body))

    async def void(self, req: VoidRequest) -> Release:
        """Release a hold."""
        path, body = wire.void_path(req.authorization_id), wire.void_body(req)
        return wire.release(await self._json("POST", path, key=req.idempotency_key, body=body))

    async def refund(self, req: RefundRequest) -> RefundMade:
        """Return captured money."""
        body = wire.refund_body(req)
        data = await self._json("POST", wire.REFUNDS, key=req.idempotency_key, body=body)
        return wire.refund(data)

    async def inquire(self, req: InquiryRequest) -> InquiryAnswer:
        """The simulator keeps every answered key, and the keys it is still working on."""
        # With the unsafe switch the inquiry names a key never sent, so it finds nothing.
        path = wire.REQUESTS + self._http.sent_key(req.idempotency_key)
        answer = await self._http.call("GET", path)
        if not answer.ok:
            return _unanswered(answer)
        stored = answer.body or {}
        status, body = int(stored["status_code"]), dict(stored["body"])
        if status >= 300:
            refusal = wire.failure_from(status, body).refusal
            return InquiryAnswer(state=RequestState.APPLIED, refusal=refusal)
        result = wire.result(req.operation, body)
        return InquiryAnswer(state=RequestState.APPLIED, result=result)

    async def effects_since(self, since: datetime) -> list[Effect]:
        """Every effect in the ledger, filtered here (the report takes no time bound)."""
        report = await self._json("GET", wire.EFFECTS)
        effects = (wire.effect(row) for row in report["effects"])
        return [e for e in effects if e.at >= since]

    async def start_authentication(self, req: AuthenticationRequest) -> AuthenticationStatus:
        """Open a 3-D Secure authentication (frictionless, or with a challenge page)."""
        body = acs.start_body(req)
        data = await self._json("POST", wire.AUTHENTICATIONS, key=req.idempotency_key, body=body)
        return acs.status(data)

    async def authentication(self, req: AuthenticationLookup) -> AuthenticationStatus:
        """The authentication as the access control server recorded it."""
        data = await self._json("GET", acs.lookup_path(req.authentication_id))
        if data.get("payment_id") != req.payment_id:
            raise ProcessorFailure(ErrorType.INVALID_REQUEST, "resource_missing",
                                   "no such authentication for this payment")  # fmt: skip
        return acs.status(data)

    async def ledger_check(self) -> LedgerCheck:
        """Balanced postings, no overdrawn account, merchant totals."""
        return wire.ledger_check(await self._json("GET", wire.LEDGER_CHECK))


def _unanswered(answer: Answer) -> InquiryAnswer:
    failure = wire.failure_from(answer.status, answer.body)
    if failure.code == "request_not_found":
        return InquiryAnswer(state=RequestState.NEVER_RECEIVED)
    if failure.code == "request_in_progress":
        return InquiryAnswer(state=RequestState.IN_PROGRESS)
    raise failure
