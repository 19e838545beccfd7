"""``starter.py`` without ``--api``: the commands straight on Temporal, as the worker's peer."""

from __future__ import annotations

import argparse
import asyncio
import json

from temporalio.client import Client

from cli.errors import CliError, Exit
from cli.render import refund_line, view_lines
from cli.testcards import card_number
from facade import operations as ops
from facade.reads import Reader
from facade.tokenize import open_tokenizer
from infra.keyring import KeyringError
from infra.settings import Settings
from infra.temporal_client import connect
from payments.cards import RawCard, reject_card_like
from payments.errors import DeclineCode, PaymentError
from payments.ids import new_payment_id, new_refund_id
from payments.models import (
    CaptureMethod,
    PaymentOptions,
    PaymentRequest,
    PaymentView,
    RefundRequest,
)
from payments.money import Money
from payments.public import API_STATUS, IN_PROGRESS, ApiStatus, failure_out, internal_statuses
from payments.status import PaymentStatus
from stores.database import Database, DatabaseUnavailable
from stores.payment_index import open_payment_index
from stores.refunds import open_refunds

VIEW_WAIT_SECONDS = 5.0
"""How long ``list`` waits for a worker to say a running payment's status."""


async def connect_direct(settings: Settings) -> Client:
    """A Temporal client, or a one-line ``CliError`` saying what to fix.

    Raises:
        CliError: The keyring is missing or Temporal cannot be reached.
    """
    try:
        return await connect(settings)
    except KeyringError as exc:
        raise CliError(str(exc)) from None
    except RuntimeError:
        # The SDK reports a refused or failed connection as a RuntimeError with a Rust dump.
        raise CliError(
            f"Temporal unreachable at {settings.temporal_address} (PAYMENTS_TEMPORAL_ADDRESS); "
            "is the stack up (`make up`), or did you mean --api URL?",
            Exit.UNAVAILABLE,
        ) from None


async def api_reader(client: Client, settings: Settings) -> Reader:
    """Reads as the API makes them (``facade.reads``): on the API area's read model when this
    machine has it (the same database settings as the API), else on Temporal alone.

    No worker is needed either way; a finished payment the API kept costs no Temporal call.
    """
    db = settings.database()
    try:
        ledger = await open_refunds(db) if _has(db, "refunds") else None
        if not _has(db, "api"):
            return Reader(client, refunds=ledger)  # no API here, and no file to create
        return Reader(client, await open_payment_index(db), refunds=ledger)
    except DatabaseUnavailable:
        return Reader(client)  # the database is down: Temporal still answers


def _has(db: Database, area: str) -> bool:
    """The area's tables exist (PostgreSQL: migrated by whoever started first)."""
    return db.is_postgres or db.sqlite_file(area).exists()


def _declined(view: PaymentView, lines: list[str]) -> CliError:
    """The same message and exit status as the API's 402 for this payment."""
    failure = failure_out(view, "en")
    code, message = (failure.code, failure.message) if failure else ("failed", "payment failed")
    # No processor could be reached: an outage, not the card's fault (issue 11, item 4).
    outage = code == DeclineCode.PROCESSOR_UNAVAILABLE
    exit_code = Exit.UNAVAILABLE if outage else Exit.DECLINED
    return CliError(f"{code}: {message} (payment {view.payment_id})", exit_code, lines)


async def pay(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Tokenize the card, start the payment and wait (bounded) for its authorization."""
    reject_card_like(args.description, param="description")
    raw = RawCard(card_number(args.card), args.exp[0], args.exp[1], args.cvc)
    merchant = args.merchant or settings.merchant_id
    async with open_tokenizer(settings) as tokenizer:
        card = await tokenizer.tokenize(raw, merchant_id=merchant)
    req = PaymentRequest(
        payment_id=new_payment_id(),
        merchant_id=merchant,
        amount=Money(amount=args.amount, currency=args.currency),
        capture_method=CaptureMethod(args.capture),
        card=card,
        description=args.description,
        options=PaymentOptions(
            authorization_ttl_seconds=settings.authorization_ttl_seconds,
            refund_window_seconds=settings.refund_window_seconds,
        ),
        processors=settings.processor_order(),
    )
    client = await connect_direct(settings)
    view = await ops.start_payment(
        client, req, task_queue=settings.task_queue, wait_seconds=args.wait
    )
    lines = [view.model_dump_json()] if args.json else view_lines(view)
    if view.status is PaymentStatus.FAILED:
        raise _declined(view, lines)
    return lines


async def list_lines(client: Client, args: argparse.Namespace) -> list[str]:
    """Payments with their API status; ``--status`` takes the API's vocabulary."""
    wanted = internal_statuses(ApiStatus(args.status)) if args.status else None
    rows = await ops.list_payments(client, statuses=wanted, limit=args.limit)
    rows = [(pid, await _resolved(client, pid, status)) for pid, status in rows]
    if wanted is not None:
        rows = [(pid, s) for pid, s in rows if s == IN_PROGRESS or PaymentStatus(s) in wanted]
    shown = [(pid, api_word(status), status) for pid, status in rows]
    if args.json:
        keys = ("payment_id", "status", "workflow_status")
        return [json.dumps([dict(zip(keys, row, strict=True)) for row in shown])]
    return [f"{pid}  {api}" for pid, api, _ in shown] or ["no payments"]


async def _resolved(client: Client, payment_id: str, status: str) -> str:
    """A running new payment publishes no pending or authorized status: its view says which,
    if a worker answers within a few seconds; else it stays ``in_progress``."""
    if status != IN_PROGRESS:
        return status
    try:
        view = await asyncio.wait_for(
            ops.payment_view(client, payment_id, refunds=None), VIEW_WAIT_SECONDS
        )
    except (PaymentError, TimeoutError):
        return status
    return view.status.value


def api_word(workflow_status: str) -> str:
    """The API's status for a ``PaymentStatus`` search attribute value (others unchanged)."""
    try:
        return API_STATUS[PaymentStatus(workflow_status)].value
    except ValueError:
        return workflow_status


async def other(args: argparse.Namespace, settings: Settings) -> list[str]:
    """capture, refund, cancel, status and list on Temporal."""
    client = await connect_direct(settings)
    if args.command == "list":
        return await list_lines(client, args)
    if args.command == "refund":
        req = RefundRequest(
            refund_id=args.refund_id or new_refund_id(), amount=args.amount, reason=args.reason
        )
        ledger = (await api_reader(client, settings)).refunds
        refund = await ops.refund(client, args.payment_id, req, ledger=ledger)
        return [refund.model_dump_json()] if args.json else [refund_line(refund)]
    if args.command == "capture":
        view = await ops.capture(client, args.payment_id, args.amount)
    elif args.command == "cancel":
        view = await ops.cancel(client, args.payment_id)
    else:
        view = await (await api_reader(client, settings)).read(args.payment_id)
    return [view.model_dump_json()] if args.json else view_lines(view)
