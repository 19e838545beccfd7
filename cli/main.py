"""``starter.py``: pay, capture, refund, cancel, status and list, on Temporal or via ``--api``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import NoReturn

from pydantic import ValidationError
from temporalio.service import RPCError

from cli import api_mode, direct, operator
from cli.api_mode import API_PAGE_LIMIT
from cli.errors import CliError, Exit, exit_for_kind, exit_statuses
from facade import operations as ops
from infra.settings import Settings
from payments.errors import PaymentError
from payments.models import CaptureMethod
from payments.money import AmountError, parse_currency, parse_minor_units
from payments.public import API_STATUS, ApiStatus
from payments.status import PaymentStatus
from processors.errors import ProcessorFailure

DESCRIPTION = """\
Pay, capture, refund, cancel, status and list: on Temporal (PAYMENTS_TEMPORAL_ADDRESS and the
other PAYMENTS_* settings), or through the merchant HTTP API with --api URL. The operator
commands (problems, story, reconcile, report, processors) need Temporal and the run folder."""
STATUSES = [s.value for s in ApiStatus]


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


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return int(text)


def _status(text: str) -> str:
    if text in STATUSES:
        return text
    if text in {s.value for s in PaymentStatus}:
        # A workflow status (search attribute): name the API's word for it.
        raise argparse.ArgumentTypeError(
            f"{text!r} is a workflow status; the CLI uses the API's: "
            f"{API_STATUS[PaymentStatus(text)].value}"
        )
    raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(STATUSES)}")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments; bad values are refused here, before anything connects."""
    p = _Parser(prog="starter.py", description=DESCRIPTION, epilog=exit_statuses(),
                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
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
    ls.add_argument("--status", type=_status, metavar="STATUS",
                    help=f"only this API status: {', '.join(STATUSES)}")  # fmt: skip
    ls.add_argument("--limit", type=_positive, default=20,
                    help=f"how many (at most {API_PAGE_LIMIT} with --api)")  # fmt: skip
    operator.add_commands(sub)
    return p


def _one_line(exc: ValidationError) -> str:
    errors = exc.errors()
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in errors)


async def _command(args: argparse.Namespace) -> list[str]:
    if args.api and args.command in operator.COMMANDS:
        raise CliError(
            f"`{args.command}` reads {operator.NEEDS[args.command]} directly, so it cannot run "
            "with --api; run it without --api (PAYMENTS_TEMPORAL_ADDRESS, PAYMENTS_RUN_DIR)",
            Exit.NEEDS_TEMPORAL,
        )
    settings = Settings()
    if args.command in operator.COMMANDS:
        return await operator.run(args, settings)
    if args.api:
        return await api_mode.run(args, settings.run_dir)
    command = direct.pay if args.command == "pay" else direct.other
    return await command(args, settings)


def _fail(message: str, code: Exit, output: list[str] | None = None) -> int:
    if output:
        sys.stdout.write("\n".join(output) + "\n")
    sys.stderr.write(f"error: {message}\n")
    return code


async def run(argv: list[str]) -> int:
    """Parse, run one command, print its result; one line on stderr and an ``Exit`` on error."""
    args = build_parser().parse_args(argv)
    try:
        lines = await _command(args)
    except CliError as exc:
        return _fail(exc.message, exc.code, exc.output)
    except PaymentError as exc:
        return _fail(exc.message, exit_for_kind(exc.kind))
    except ProcessorFailure as exc:
        code = Exit.UNAVAILABLE if exc.error_type.retryable else Exit.REFUSED
        return _fail(f"processor unavailable ({exc.code}); nothing was started", code)
    except RPCError as exc:
        code = Exit.UNAVAILABLE if exc.status in ops.UNREACHABLE else Exit.REFUSED
        return _fail(f"Temporal answered {exc.status.name}: {exc.message}", code)
    except ValidationError as exc:
        return _fail(_one_line(exc), Exit.REFUSED)
    except ValueError as exc:
        return _fail(str(exc), Exit.REFUSED)
    sys.stdout.write("\n".join(lines) + "\n")
    return Exit.OK
