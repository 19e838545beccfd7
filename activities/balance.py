"""The balance check inside the authorize activity (new payments run no separate activity).

Any failure here happens before the hold is asked for, so it never leaves an effect: retryable
failures become ``ProcessorUnavailable`` (never sent, the workflow may fail over) and every
message starts with ``BALANCE_STAGE`` so the workflow records a ``balance`` attempt.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from activities.outcomes import STEP_OVERRIDE, to_application_error
from payments.activity_io import BALANCE_STAGE, AuthorizeInput
from payments.errors import DeclineCode, ErrorType
from processors.capabilities import Capability
from processors.errors import ProcessorFailure
from processors.fleet import Fleet
from processors.models import BalanceRequest, Card
from processors.protocol import Processor


def _stage_error(failure: ProcessorFailure) -> ApplicationError:
    err = to_application_error(failure)
    error_type = ErrorType(err.type or ErrorType.PROCESSOR_UNAVAILABLE.value)
    if error_type.retryable:
        # The hold was not asked for: whatever the balance call did, nothing needs inquiring.
        error_type = ErrorType.PROCESSOR_UNAVAILABLE
    return ApplicationError(
        f"{BALANCE_STAGE}: {failure.message}",
        *err.details,
        type=error_type.value,
        non_retryable=not error_type.retryable,
    )


def calls_per_task(processor: Processor) -> int:
    """The most calls one activity task makes at ``processor``: an authorize task checks the
    card's balance first where the processor offers that check (``check_before_authorizing``)."""
    return 2 if processor.capabilities.has(Capability.BALANCE_CHECK) else 1


async def check_before_authorizing(fleet: Fleet, req: AuthorizeInput, card: Card | None) -> None:
    """Raise a decline if ``card`` cannot spend ``req.amount`` at ``req.processor``.

    Only for a vault card at a processor with a balance check; else authorization decides.
    """
    has = fleet.processors[req.processor].capabilities.has(Capability.BALANCE_CHECK)
    if not req.check_balance or card is None or not has:
        return
    ask = BalanceRequest(card=card, currency=req.amount.currency)
    token = STEP_OVERRIDE.set("check_balance")  # metrics: a balance call, not an authorization
    try:
        data = await fleet.call(req.processor, lambda p: p.balance(ask), may_fail_over=True)
    except ProcessorFailure as failure:
        raise _stage_error(failure) from None
    finally:
        STEP_OVERRIDE.reset(token)
    if data.available < req.amount.amount:
        code = DeclineCode.INSUFFICIENT_FUNDS.value
        raise ApplicationError(
            BALANCE_STAGE, code, code, type=ErrorType.CARD_DECLINED.value, non_retryable=True
        )
