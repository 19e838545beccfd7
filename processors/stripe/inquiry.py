"""Inquiry answers read from a PaymentIntent found by its metadata (never by sending again)."""

from __future__ import annotations

from processors.models import (
    Authorization,
    Capture,
    InquiryAnswer,
    Operation,
    RefundMade,
    Release,
    RequestState,
)
from processors.stripe import wire


def applied(result: Authorization | Capture | Release | RefundMade) -> InquiryAnswer:
    """An ``APPLIED`` answer with ``result``."""
    return InquiryAnswer(state=RequestState.APPLIED, result=result)


def answer(operation: Operation, pi: wire.Obj) -> InquiryAnswer:
    """What became of ``operation`` on our PaymentIntent ``pi`` (found by its metadata)."""
    status = pi.get("status")
    if operation is Operation.AUTHORIZE:
        refusal = wire.stored_refusal(pi)
        if refusal is not None:
            return InquiryAnswer(state=RequestState.APPLIED, refusal=refusal)
        if status in ("requires_capture", "succeeded", "canceled"):
            return applied(wire.authorization(pi))
        return InquiryAnswer(state=RequestState.IN_PROGRESS)
    if operation is Operation.CAPTURE and status == "succeeded":
        return applied(wire.captured(pi))
    if operation is Operation.VOID and status == "canceled":
        return applied(wire.released(pi))
    return InquiryAnswer(state=RequestState.NEVER_RECEIVED)
