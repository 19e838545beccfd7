"""Payloads of the baseline workflow: frozen pydantic models, like the payment's."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BaselineInput(_Frozen):
    """What the baseline carries: about as much as a payment's activity inputs."""

    payment_id: str
    amount: int
    manual: bool = False


class StepInput(_Frozen):
    """One no-op step's input."""

    payment_id: str
    step: str
    amount: int


class StepResult(_Frozen):
    """One no-op step's result."""

    ref: str


class BaselineResult(_Frozen):
    """When the baseline 'authorized' and 'captured', by workflow time."""

    authorized_at: datetime
    captured_at: datetime
