"""Human-readable output for the CLI."""

from __future__ import annotations

from payments.models import PaymentView, Refund
from payments.money import format_minor
from payments.public import public_status


def view_lines(v: PaymentView) -> list[str]:
    """A payment as a short report."""

    def m(amount: int) -> str:
        return format_minor(amount, v.currency)

    lines = [
        f"payment    {v.payment_id}",
        f"status     {_status(v)}",
        f"amount     {m(v.amount)} ({v.capture_method.value} capture)",
        f"card       {v.card.brand} ****{v.card.last4}",
        f"authorized {m(v.amount_authorized)}   captured {m(v.amount_captured)}"
        f"   refunded {m(v.amount_refunded)}",
    ]
    if v.failure:
        lines.append(f"failure    {v.failure.code}: {v.failure.message}")
    for t in v.transitions:
        lines.append(
            f"  {t.at:%H:%M:%S} {t.from_status.value} -> {t.to_status.value}  {t.detail or ''}"
        )
    return lines


def _status(v: PaymentView) -> str:
    """The API's word, and the workflow's (search attribute) where it differs."""
    api = public_status(v.status, v.capture_method).value
    return api if api == v.status.value else f"{api} (workflow status {v.status.value})"


def refund_line(r: Refund) -> str:
    """One refund."""
    return f"refund {r.refund_id} of {r.amount} minor units (processor id {r.processor_refund_id})"
