"""A scripted ``Processor`` for tests that need no network: each call pops the next outcome."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any

from payments.money import Currency
from processors.books import Effect, LedgerCheck
from processors.capabilities import Capabilities, Capability
from processors.errors import ProcessorFailure
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
    VerifiedCard,
    VoidRequest,
)

Outcome = ProcessorFailure | Any


class ScriptedProcessor:
    """Answers every call with the next scripted outcome (raised if it is a failure)."""

    kind = "fake"

    def __init__(self, *outcomes: Outcome, supported: frozenset[Capability] = frozenset()) -> None:
        self.outcomes: deque[Outcome] = deque(outcomes)
        self.calls: list[str] = []
        self.capabilities = Capabilities(supported=supported, currencies=frozenset(Currency))

    async def _next(self, name: str) -> Any:
        self.calls.append(name)
        outcome = self.outcomes.popleft()
        if isinstance(outcome, ProcessorFailure):
            raise outcome
        return outcome

    async def verify_card(self, card: CardCheck) -> VerifiedCard:
        return await self._next("verify_card")  # type: ignore[no-any-return]

    async def balance(self, req: BalanceRequest) -> Balance:
        return await self._next("balance")  # type: ignore[no-any-return]

    async def authorize(self, req: AuthorizeRequest) -> Authorization:
        return await self._next("authorize")  # type: ignore[no-any-return]

    async def capture(self, req: CaptureRequest) -> Capture:
        return await self._next("capture")  # type: ignore[no-any-return]

    async def void(self, req: VoidRequest) -> Release:
        return await self._next("void")  # type: ignore[no-any-return]

    async def refund(self, req: RefundRequest) -> RefundMade:
        return await self._next("refund")  # type: ignore[no-any-return]

    async def inquire(self, req: InquiryRequest) -> InquiryAnswer:
        return await self._next("inquire")  # type: ignore[no-any-return]

    async def effects_since(self, since: datetime) -> list[Effect]:
        return await self._next("effects_since")  # type: ignore[no-any-return]

    async def ledger_check(self) -> LedgerCheck:
        return await self._next("ledger_check")  # type: ignore[no-any-return]
