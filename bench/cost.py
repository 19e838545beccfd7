"""Estimated Temporal Cloud cost per million payments at list prices, split by where it goes.

Prices: https://docs.temporal.io/cloud/pricing (Pay-As-You-Go, read 2026-12-02):
- actions: $50 per million, the first volume tier (it falls to $25 with volume, so this is the
  ceiling);
- active storage: $0.042 per GB-hour, the histories of open workflows;
- retained storage: $0.00105 per GB-hour, closed histories kept for the namespace's retention.

Assumptions: retention is 30 days (720 hours; Cloud allows 1 to 90 days); a GB is 10^9 bytes; a
history's size is its events' protobuf bytes as measured (``bench.history``), held at that size
for every open hour (it grows while open, so active storage is slightly overstated) and then for
the whole retention. Left out: the plan's fee (the greater of a minimum or 10% of consumption)
and high-availability replicas (2x actions and storage). These are estimates, not money moved.
"""

from __future__ import annotations

from dataclasses import dataclass

PAYMENTS = 1_000_000
BYTES_PER_GB = 1e9


@dataclass(frozen=True)
class Prices:
    """Temporal Cloud list prices in dollars, and the retention they are kept for."""

    per_action: float = 50 / 1_000_000
    active_gb_hour: float = 0.042
    retained_gb_hour: float = 0.00105
    retention_hours: float = 720.0


PRICES = Prices()


@dataclass(frozen=True)
class Cost:
    """Dollars per million payments: actions, active storage and retained storage."""

    actions: float = 0.0
    active: float = 0.0
    retained: float = 0.0

    @property
    def storage(self) -> float:
        """Active and retained storage together."""
        return self.active + self.retained

    @property
    def total(self) -> float:
        """Everything this estimate counts."""
        return self.actions + self.storage

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.actions + other.actions,
            self.active + other.active,
            self.retained + other.retained,
        )

    def fields(self) -> dict[str, float]:
        """The parts and the sums under the report's field names."""
        return {"cost_actions": self.actions, "cost_active": self.active,
                "cost_retained": self.retained, "cost_storage": self.storage,
                "cost_total": self.total}  # fmt: skip


def per_million(
    actions: float, history_bytes: float, open_hours: float, prices: Prices = PRICES
) -> Cost:
    """One workflow's estimated cost, times a million payments.

    1e6 x (actions x per_action + GB x open_hours x active + GB x retention_hours x retained).
    """
    gb = history_bytes / BYTES_PER_GB
    return Cost(
        actions=PAYMENTS * actions * prices.per_action,
        active=PAYMENTS * gb * open_hours * prices.active_gb_hour,
        retained=PAYMENTS * gb * prices.retention_hours * prices.retained_gb_hour,
    )
