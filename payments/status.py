"""Payment statuses and the one table of legal transitions."""

from __future__ import annotations

from enum import StrEnum


class PaymentStatus(StrEnum):
    """Where a payment is in its life; values go into the ``PaymentStatus`` search attribute."""

    PENDING = "pending"
    OUTCOME_UNKNOWN = "outcome_unknown"
    REQUIRES_ACTION = "requires_action"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        """True once no update can change the money any more."""
        return self in _TERMINAL


class PaymentEvent(StrEnum):
    """What happened to a payment; each event drives one transition."""

    AUTHORIZED = "authorized"
    FAILED_OVER = "failed_over"
    OUTCOME_UNKNOWN = "outcome_unknown"
    RESOLVED = "resolved"
    REQUIRES_ACTION = "requires_action"
    """The issuer asks the customer for a 3-D Secure challenge."""
    AUTHENTICATED = "authenticated"
    """3-D Secure succeeded: after a challenge, or frictionless (without one)."""
    DECLINED = "declined"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    """Declined, but the payment retries on a decline: it waits for another card."""
    PAYMENT_METHOD_ATTACHED = "payment_method_attached"
    """The customer attached another card: the next attempt starts."""
    FAILED = "failed"
    CAPTURED = "captured"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REFUNDED_PARTIALLY = "refunded_partially"
    REFUNDED_FULLY = "refunded_fully"


_S = PaymentStatus
_E = PaymentEvent

TRANSITIONS: dict[tuple[PaymentStatus, PaymentEvent], PaymentStatus] = {
    (_S.PENDING, _E.AUTHORIZED): _S.AUTHORIZED,
    (_S.PENDING, _E.FAILED_OVER): _S.PENDING,
    (_S.PENDING, _E.OUTCOME_UNKNOWN): _S.OUTCOME_UNKNOWN,
    (_S.OUTCOME_UNKNOWN, _E.RESOLVED): _S.PENDING,
    (_S.PENDING, _E.AUTHENTICATED): _S.PENDING,
    (_S.PENDING, _E.REQUIRES_ACTION): _S.REQUIRES_ACTION,
    (_S.REQUIRES_ACTION, _E.AUTHENTICATED): _S.PENDING,
    (_S.REQUIRES_ACTION, _E.FAILED): _S.FAILED,
    (_S.PENDING, _E.DECLINED): _S.FAILED,
    (_S.PENDING, _E.REQUIRES_PAYMENT_METHOD): _S.REQUIRES_PAYMENT_METHOD,
    (_S.REQUIRES_ACTION, _E.REQUIRES_PAYMENT_METHOD): _S.REQUIRES_PAYMENT_METHOD,
    (_S.REQUIRES_PAYMENT_METHOD, _E.PAYMENT_METHOD_ATTACHED): _S.PENDING,
    (_S.REQUIRES_PAYMENT_METHOD, _E.FAILED): _S.FAILED,
    (_S.PENDING, _E.FAILED): _S.FAILED,
    (_S.AUTHORIZED, _E.CAPTURED): _S.CAPTURED,
    (_S.AUTHORIZED, _E.CANCELED): _S.CANCELED,
    (_S.AUTHORIZED, _E.EXPIRED): _S.EXPIRED,
    (_S.CAPTURED, _E.REFUNDED_PARTIALLY): _S.PARTIALLY_REFUNDED,
    (_S.CAPTURED, _E.REFUNDED_FULLY): _S.REFUNDED,
    (_S.PARTIALLY_REFUNDED, _E.REFUNDED_PARTIALLY): _S.PARTIALLY_REFUNDED,
    (_S.PARTIALLY_REFUNDED, _E.REFUNDED_FULLY): _S.REFUNDED,
}
"""The only source of legal transitions: the workflow and the README diagram both come from it."""

# A captured payment stays open for refunds, so only these end the money flow.
_TERMINAL = frozenset({_S.REFUNDED, _S.CANCELED, _S.EXPIRED, _S.FAILED})


class IllegalTransition(ValueError):
    """Raised when an event is not allowed in the current status."""


def next_status(current: PaymentStatus, event: PaymentEvent) -> PaymentStatus:
    """Look up the status an event leads to.

    Raises:
        IllegalTransition: If the table has no such transition.
    """
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(
            f"a payment that is {current.value} cannot be {event.value.replace('_', ' ')}"
        ) from None


def allows(current: PaymentStatus, event: PaymentEvent) -> bool:
    """True if ``event`` is legal in ``current``."""
    return (current, event) in TRANSITIONS


def mermaid_diagram() -> str:
    """Render the transition table as a mermaid state diagram for the README."""
    lines = ["stateDiagram-v2", f"    [*] --> {_S.PENDING.value}"]
    for (src, event), dst in TRANSITIONS.items():
        lines.append(f"    {src.value} --> {dst.value}: {event.value}")
    lines.extend(f"    {s.value} --> [*]" for s in PaymentStatus if s.is_terminal)
    lines.extend(
        f"    {s.value} --> [*]: refund window closed" for s in (_S.CAPTURED, _S.PARTIALLY_REFUNDED)
    )
    return "\n".join(lines)
