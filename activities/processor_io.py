"""Between the recorded activity models (``payments.activity_io``) and the Protocol's models.

The activity side must never change (recorded histories); the processor side may grow. This
module is the only place that maps one to the other.
"""

from __future__ import annotations

from payments.activity_io import (
    AuthorizeInput,
    AuthorizeResult,
    CaptureInput,
    InquireInput,
    RefundInput,
    VoidInput,
)
from payments.ids import payment_of_key
from processors.models import (
    Authorization,
    AuthorizeRequest,
    CaptureRequest,
    Card,
    InquiryRequest,
    Operation,
    RefundRequest,
    Refusal,
    VoidRequest,
)


def authorize_request(req: AuthorizeInput, card: Card | None) -> AuthorizeRequest:
    """The hold to place for ``req``, on the card its token resolved to (None: on the
    processor's own PaymentMethod that ``req`` names)."""
    return AuthorizeRequest(
        idempotency_key=req.idempotency_key,
        payment_id=req.payment_id,
        merchant_id=req.merchant_id,
        card=card,
        payment_method_id=req.processor_payment_method,
        amount=req.amount,
        hold_ttl_seconds=req.hold_ttl_seconds,
        authentication_id=req.authentication_id,
    )


def authorize_result(auth: Authorization) -> AuthorizeResult:
    """The recorded shape of an approved hold."""
    return AuthorizeResult(
        authorization_id=auth.authorization_id, amount=auth.amount, expires_at=auth.expires_at
    )


def capture_request(req: CaptureInput) -> CaptureRequest:
    """The capture to post for ``req``."""
    return CaptureRequest(
        idempotency_key=req.idempotency_key,
        payment_id=req.payment_id,
        authorization_id=req.authorization_id,
        amount=req.amount,
    )


def void_request(req: VoidInput) -> VoidRequest:
    """The release to ask for ``req``."""
    return VoidRequest(
        idempotency_key=req.idempotency_key,
        payment_id=req.payment_id,
        authorization_id=req.authorization_id,
    )


def refund_request(req: RefundInput) -> RefundRequest:
    """The refund to make for ``req``."""
    return RefundRequest(
        idempotency_key=req.idempotency_key,
        payment_id=req.payment_id,
        refund_id=req.refund_id,
        authorization_id=req.authorization_id,
        amount=req.amount,
    )


def inquiry(
    req: InquireInput | CaptureRequest | VoidRequest | RefundRequest, operation: Operation
) -> InquiryRequest:
    """The inquiry about ``req``'s key (the inquire activity's input names no payment)."""
    payment_id = (
        payment_of_key(req.idempotency_key) if isinstance(req, InquireInput) else req.payment_id
    )
    return InquiryRequest(
        idempotency_key=req.idempotency_key, operation=operation, payment_id=payment_id
    )


def refusal_code(refusal: Refusal) -> str:
    """The code an inquiry reports for a stored refusal: the decline reason, else its code."""
    return refusal.decline_code.value if refusal.decline_code else refusal.code
