"""Run-time fault injection for the business endpoints, held in memory."""

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

Rate = Annotated[float, Field(ge=0, le=1, strict=True)]


class Operation(StrEnum):
    """Business operations a fault can target."""

    BALANCE = "balance"
    VERIFY = "verify"
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    AUTHENTICATE = "authenticate"


class FaultConfig(BaseModel):
    """The active fault configuration; the defaults inject nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latency_ms: Annotated[StrictInt, Field(ge=0, le=600_000)] = 0
    error_rate: Rate = 0.0
    outage: StrictBool = False
    effect_then_timeout_rate: Rate = 0.0
    hang_seconds: Annotated[float, Field(ge=0, le=3600, strict=True)] = 30.0
    operations: list[Operation] | None = None


@dataclass(frozen=True)
class Decision:
    """What to inflict on one request."""

    outage: bool = False
    latency_seconds: float = 0.0
    error: bool = False
    hang_seconds: float | None = None


class Faults:
    """The current fault configuration and the random source that applies its rates."""

    def __init__(self, seed: int | None = None) -> None:
        # Not for security: a seedable generator makes fault runs reproducible.
        self._rng = random.Random(seed)  # noqa: S311
        self.config = FaultConfig()

    def decide(self, operation: Operation) -> Decision:
        """Draw the faults for one request of ``operation``."""
        config = self.config
        if config.operations is not None and operation not in config.operations:
            return Decision()
        if config.outage:
            return Decision(outage=True)
        error = config.error_rate > 0 and self._rng.random() < config.error_rate
        hang = (
            config.effect_then_timeout_rate > 0
            and self._rng.random() < config.effect_then_timeout_rate
        )
        return Decision(
            latency_seconds=config.latency_ms / 1000,
            error=error,
            hang_seconds=config.hang_seconds if hang else None,
        )
