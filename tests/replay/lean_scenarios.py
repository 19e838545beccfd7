"""Corpus scenarios of the lean path (issue 16): requests that record their processor order, so
authorization runs no local activity and asks no patch, and the workflow closes once settled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from facade import operations as ops
from payments.models import CaptureMethod
from payments.status import PaymentStatus

if TYPE_CHECKING:
    from tests.replay.scenarios import Context

ONE = ("primary",)
TWO = ("primary", "secondary")


async def lean_automatic(ctx: Context) -> str:
    """Balance checked inside authorize, then capture; closes at once."""
    return (await ctx.pay("plain", "visa", 1999, processors=ONE)).payment_id


async def lean_manual_capture(ctx: Context) -> str:
    """Authorize, then the ``capture`` update; closes after the capture."""
    view = await ctx.pay("plain", "visa", 4200, capture=CaptureMethod.MANUAL, processors=ONE)
    await ops.capture(ctx.stack.client, view.payment_id, None)
    return view.payment_id


async def lean_insufficient_funds(ctx: Context) -> str:
    """A prepaid card short of funds: the authorize activity's balance check declines it."""
    return (await ctx.pay("plain", "prepaid5", 900, processors=ONE)).payment_id


async def lean_failover(ctx: Context) -> str:
    """The primary is down: its authorize (balance check first) fails, the secondary pays."""
    ctx.stack.sims["outage"].faults(outage=True)
    return (await ctx.pay("failover", "visa", 1300, processors=TWO)).payment_id


async def lean_cancel(ctx: Context) -> str:
    """Authorize, then void on request: the canceled status is published."""
    view = await ctx.pay("plain", "visa", 1500, capture=CaptureMethod.MANUAL, processors=ONE)
    done = await ops.cancel(ctx.stack.client, view.payment_id, "customer changed their mind")
    if done.status is not PaymentStatus.CANCELED:
        raise RuntimeError(f"expected canceled, the payment is {done.status}")
    return view.payment_id
