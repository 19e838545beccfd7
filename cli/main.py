"""``starter.py``: pay, capture, refund, cancel, status and list, on Temporal or via ``--api``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import NoReturn

from cli import api_mode, operator, ops
from cli.render import refund_line, view_lines
from cli.testcards import card_number
from payments.cards import RawCard, reject_card_like
from payments.errors import PaymentError, ValidationFailed
from payments.ids import new_payment_id, new_refund_id
from payments.models import CaptureMethod, PaymentOptions, PaymentRequest, RefundRequest
from payments.money import AmountError, Money, parse_currency, parse_minor_units
from payments.processor import ProcessorFailure
from payments.settings import Settings
from payments.status import PaymentStatus
from payments.temporal_client import connect


def _amount(text: str) -> int:
    try:
        return parse_minor_units(text)
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _currency(text: str) -> str:
    try:
        return parse_currency(text).value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _expiry(text: str) -> tuple[int, int]:
    month, _, year = text.partition("/")
    if not (month.isdigit() and year.isdigit()):
        raise argparse.ArgumentTypeError("expiry must look like MM/YYYY")
    return int(month), int(year) if len(year) == 4 else 2000 + int(year)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments; bad values are refused here, before anything connects."""
    p = _Parser(prog="starter.py", description=__doc__)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    api_mode.add_arguments(p)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    pay = sub.add_parser("pay", help="create and confirm a payment")
    pay.add_argument("--amount", type=_amount, required=True, help="minor units, e.g. 1999")
    pay.add_argument("--currency", type=_currency, default="USD")
    pay.add_argument("--card", default="visa", help="test card name (visa, decline, ...) or number")
    pay.add_argument("--exp", type=_expiry, default=(12, datetime.now(UTC).year + 3))
    pay.add_argument("--cvc", default="123")
    pay.add_argument("--capture", choices=[c.value for c in CaptureMethod], default="automatic")
    pay.add_argument("--merchant", help="merchant id (default from settings)")
    pay.add_argument("--description")
    pay.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the result")
    cap = sub.add_parser("capture", help="capture an authorized payment")
    cap.add_argument("payment_id")
    cap.add_argument("--amount", type=_amount)
    ref = sub.add_parser("refund", help="refund a captured payment")
    ref.add_argument("payment_id")
    ref.add_argument("--amount", type=_amount)
    ref.add_argument("--refund-id", default=None)
    ref.add_argument("--reason")
    can = sub.add_parser("cancel", help="void an authorized payment")
    can.add_argument("payment_id")
    st = sub.add_parser("status", help="show one payment")
    st.add_argument("payment_id")
    ls = sub.add_parser("list", help="list payments")
    ls.add_argument("--status", choices=[s.value for s in PaymentStatus])
    ls.add_argument("--limit", type=int, default=20)
    operator.add_commands(sub)
    return p


async def _pay(args: argparse.Namespace, settings: Settings) -> list[str]:
    reject_card_like(args.description, param="description")
    raw = RawCard(card_number(args.card), args.exp[0], args.exp[1], args.cvc)
    merchant = args.merchant or settings.merchant_id
    card = await ops.tokenize_card(settings, raw, merchant_id=merchant)
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
    )
    client = await connect(settings)
    view = await ops.start_payment(
        client, req, task_queue=settings.task_queue, wait_seconds=args.wait
    )
    return [view.model_dump_json()] if args.json else view_lines(view)


async def _other(args: argparse.Namespace, settings: Settings) -> list[str]:
    client = await connect(settings)
    if args.command == "list":
        status = PaymentStatus(args.status) if args.status else None
        rows = await ops.list_payments(client, status=status, limit=args.limit)
        if args.json:
            return [json.dumps([{"payment_id": i, "status": s} for i, s in rows])]
        return [f"{pid}  {st}" for pid, st in rows] or ["no payments"]
    if args.command == "refund":
        req = RefundRequest(
            refund_id=args.refund_id or new_refund_id(), amount=args.amount, reason=args.reason
        )
        refund = await ops.refund(client, args.payment_id, req)
        return [refund.model_dump_json()] if args.json else [refund_line(refund)]
    if args.command == "capture":
        view = await ops.capture(client, args.payment_id, args.amount)
    elif args.command == "cancel":
        view = await ops.cancel(client, args.payment_id)
    else:
        view = await ops.payment_view(client, args.payment_id)
    return [view.model_dump_json()] if args.json else view_lines(view)


async def run(argv: list[str]) -> int:
    """Parse, run one command, print its result; one line on stderr and non-zero on error."""
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        if args.command in operator.COMMANDS:
            lines = await operator.run(args, settings)
        elif args.api:
            lines = await api_mode.run(args, settings.run_dir)
        else:
            command = _pay if args.command == "pay" else _other
            lines = await command(args, settings)
    except PaymentError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return 1
    except ProcessorFailure as exc:
        sys.stderr.write(f"error: processor unavailable ({exc.code}); nothing was started\n")
        return 1
    except (ValidationFailed, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
