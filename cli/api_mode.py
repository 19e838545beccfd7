"""``starter.py --api URL ...``: the same commands, through the merchant HTTP API."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path

import httpx

from cli.api_client import JSON, ApiClient, ApiRefused, payment_lines
from cli.errors import CliError, Exit, exit_for_http
from cli.testcards import card_number
from infra.api_keys import API_KEYS_FILE, load_api_key

API_PAGE_LIMIT = 100
"""The API's largest page (``GET /v1/payments?limit=``)."""


def _url(text: str) -> str:
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise argparse.ArgumentTypeError(f"not a URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise argparse.ArgumentTypeError("give the API's base URL, e.g. http://127.0.0.1:8000")
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Global options that switch the CLI to the HTTP API."""
    p.add_argument("--api", metavar="URL", type=_url, help="go through the HTTP API at URL")
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
        if args.limit > API_PAGE_LIMIT:
            raise CliError(f"with --api, --limit is at most {API_PAGE_LIMIT} (one page of the API)")
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


def _key(args: argparse.Namespace, run_dir: Path) -> str:
    key_file = args.api_key_file or run_dir / API_KEYS_FILE
    try:
        return load_api_key(key_file, args.api_merchant)
    except (OSError, KeyError, ValueError):
        raise CliError(f"no API key for {args.api_merchant} in {key_file}") from None


async def _refused(api: ApiClient, refused: ApiRefused, args: argparse.Namespace) -> CliError:
    """The API's error as one line; a declined payment is still printed on stdout."""
    pid = refused.error.get("payment_id")
    output: list[str] = []
    if pid and refused.status == 402:
        with contextlib.suppress(ApiRefused, httpx.HTTPError):
            output = _shown(await api.payment(pid), args)
    message = str(refused) + (f" (payment {pid})" if pid else "")
    return CliError(message, exit_for_http(refused.status), output)


def _shown(result: JSON, args: argparse.Namespace) -> list[str]:
    return [json.dumps(result)] if args.json else _lines(result)


async def run(args: argparse.Namespace, run_dir: Path) -> list[str]:
    """Run one command through the API.

    Raises:
        CliError: No key, the API refused (its code and message), or it was not reached.
    """
    api_key = _key(args, run_dir)
    async with httpx.AsyncClient(timeout=60) as http:
        api = ApiClient(http, args.api, api_key)
        try:
            return _shown(await _dispatch(api, args), args)
        except ApiRefused as refused:
            raise await _refused(api, refused, args) from None
        except httpx.HTTPError as exc:
            raise CliError(
                f"API unreachable at {args.api} ({type(exc).__name__})", Exit.UNAVAILABLE
            ) from None
