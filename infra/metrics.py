"""Business metrics in Prometheus format, shared by every process.

Label values are only closed sets or operator-chosen names: status, currency, processor, step,
decline code, finding kind. Never a payment id, card data, customer id or e-mail.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Mapping

from prometheus_client import Counter, Gauge, Histogram, start_http_server

AUTHORIZATIONS = Counter(
    "payments_authorizations",
    "Authorization answers per processor: approved, declined or error (unavailable, 5xx).",
    ["processor", "outcome"],
)
DECLINES = Counter(
    "payments_declines", "Declines per processor and decline code.", ["processor", "code"]
)
REFUNDED = Counter(
    "payments_refunded_minor_units",
    "Refunded amount per processor in minor units (the refund activity has no currency).",
    ["processor"],
)
CAPTURED = Counter(
    "payments_captured_minor_units", "Captured amount per processor in minor units.", ["processor"]
)
UNKNOWN_OUTCOMES = Counter(
    "payments_unknown_outcomes",
    "Inquiries that found no answer for an authorization (the outcome is still unknown).",
    ["processor"],
)
WEBHOOK_FAILURES = Counter(
    "payments_webhook_delivery_failures", "Webhook attempts that failed.", ["reason"]
)
STEP_SECONDS = Histogram(
    "payments_activity_seconds",
    "Processor call latency per step and processor.",
    ["step", "processor", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BREAKER = Gauge(
    "payments_circuit_breaker_state",
    "Circuit breaker per processor in this worker: 0 closed, 1 half-open, 2 open.",
    ["processor"],
)
PAYMENTS = Gauge(
    "payments_by_status",
    "Payments by status and currency, as of the last reconciliation run.",
    ["status", "currency"],
)
FAILED = Gauge(
    "payments_failed_by_code",
    "Failed payments by failure code, as of the last reconciliation run (includes declines the"
    " workflow decides itself, like insufficient funds at the balance check).",
    ["code"],
)
FINDINGS = Gauge(
    "payments_reconciliation_findings",
    "Findings of the last reconciliation run, by kind (0 when clean).",
    ["kind"],
)

_BREAKER_VALUE = {"closed": 0, "half_open": 1, "open": 2}


def set_breakers(states: Mapping[str, str]) -> None:
    """Publish every breaker's state."""
    for name, state in states.items():
        BREAKER.labels(processor=name).set(_BREAKER_VALUE.get(state, 2))


def set_payments(rows: Iterable[tuple[str, str]]) -> None:
    """Replace the ``payments_by_status`` series with counts of (status, currency) pairs."""
    PAYMENTS.clear()
    for (status, currency), count in Tally(rows).items():
        PAYMENTS.labels(status=status, currency=currency).set(count)


def set_failures(codes: Iterable[str]) -> None:
    """Replace the ``payments_failed_by_code`` series."""
    FAILED.clear()
    for code, count in Tally(codes).items():
        FAILED.labels(code=code).set(count)


def set_findings(kinds: Iterable[str], all_kinds: Iterable[str]) -> None:
    """Findings per kind for the last run; every known kind is present, 0 when clean."""
    counts = Tally(kinds)
    for kind in all_kinds:
        FINDINGS.labels(kind=kind).set(counts.get(kind, 0))


def serve(port: int | None, host: str = "127.0.0.1") -> None:
    """Serve this process's registry on ``http://host:port/metrics``; None serves nothing."""
    if port is not None:
        start_http_server(port, addr=host)
