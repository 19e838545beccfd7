"""``starter.py --api URL ...``: the same commands, through the merchant HTTP API."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx

from cli.api_client import JSON, ApiClient, ApiRefused, payment_lines
from cli.testcards import card_number
from payments.errors import PaymentError
from stack.api import load_api_key


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Global options that switch the CLI to the HTTP API."""
    p.add_argument("--api", metavar="URL", help="go through the HTTP API at URL")
    p.add_argument("--api-key-file", type=Path, help="keys file (default <run>/api-keys.json)")
    p.add_argument("--merchant", dest="api_merchant", default="merchant_a",
                   help="whose key to use with --api (default merchant_a)")  # fmt: skip
    p.add_argument("--idempotency-key", help="with --api: the key for a POST (default: fresh)")


def _pay_body(args: argparse.Namespace) -> JSON:
    card = {"number": card_number(args.card), "exp_month": args.exp[0],
            "exp_year": args.exp[1], "cvc": args.cvc}  # fmt: skip
    body: JSON = {"amount": args.amount, "currency": args.currency, "card": card,
                  "capture_method": args.capture}  # fmt: skip
    if args.description:
        body["description"] = args.description
    return body


async def _dispatch(api: ApiClient, args: argparse.Namespace) -> JSON:
    key, cmd = args.idempotency_key, args.command
    if cmd == "pay":
        return await api.settled(await api.post("/v1/payments", _pay_body(args), key))
    if cmd == "list":
        return await api.payments(args.status, args.limit)
    path = f"/v1/payments/{args.payment_id}"
    if cmd == "capture":
        body = {} if args.amount is None else {"amount": args.amount}
        return await api.post(f"{path}/capture", body, key)
    if cmd == "cancel":
        return await api.post(f"{path}/cancel", {}, key)
    if cmd == "refund":
        body = {k: v for k, v in (("amount", args.amount), ("reason", args.reason)) if v}
        return await api.post(f"{path}/refunds", body, key)
    return await api.payment(args.payment_id)


def _lines(result: JSON) -> list[str]:
    if result.get("object") == "list":
        return [f"{p['id']}  {p['status']}" for p in result["data"]] or ["no payments"]
    if result.get("object") == "refund":
        return [f"refund {result['id']} of {result['amount']} {result['currency']} minor units"]
    return payment_lines(result)


async def run(args: argparse.Namespace, run_dir: Path) -> list[str]:
    """Run one command through the API.

    Raises:
        PaymentError: The API refused (the message is the API's code and message).
    """
    key_file = args.api_key_file or run_dir / "api-keys.json"
    try:
        api_key = load_api_key(key_file, args.api_merchant)
    except (OSError, KeyError, ValueError):
        raise PaymentError(f"no API key for {args.api_merchant} in {key_file}") from None
    async with httpx.AsyncClient(timeout=60) as http:
        try:
            result = await _dispatch(ApiClient(http, args.api, api_key), args)
        except ApiRefused as refused:
            pid = refused.error.get("payment_id")
            raise PaymentError(str(refused) + (f" (payment {pid})" if pid else "")) from None
        except httpx.HTTPError as exc:
            raise PaymentError(f"API unreachable at {args.api} ({type(exc).__name__})") from None
    return [json.dumps(result)] if args.json else _lines(result)
