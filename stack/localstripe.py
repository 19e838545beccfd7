"""Run localstripe (a fake Stripe) on 127.0.0.1, its state in memory.

localstripe's own CLI binds every interface (``::``) and pickles its whole store to the fixed
file ``/tmp/localstripe.pickle`` on every write (shared by every run on the machine): never use
it. This launcher keeps the store in memory (a restart forgets every object), binds loopback
only, lets a card PaymentMethod come without a CVC and lists filter on ``created`` as Stripe
does, and prints ``port=<n>`` once listening. The stack runs it as the secondary processor
with ``SECONDARY_PROCESSOR=stripe``; the conformance suite runs it as a target.

Usage: ``python -m stack.localstripe [--port N]`` (0, the default: a port the OS picks).
localstripe is a dev dependency (``make venv`` installs it).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from typing import Any

from aiohttp import web
from localstripe import resources, server

from stack import localstripe_3ds, localstripe_compat


def _memory_only() -> None:
    # Store.__setitem__ calls dump_to_disk on every write; keep the store in this process only.
    resources.Store.dump_to_disk = lambda self: None


def _cvc_optional() -> None:
    # Stripe takes a card PaymentMethod without a CVC (vault cards have none); localstripe
    # insists on exactly number, expiry and a 3-digit CVC. Fill a placeholder in here, in the
    # fake, so that the connector sends what Stripe expects and never invents a CVC itself.
    original = resources.PaymentMethod.__init__

    def init(self: Any, *args: Any, card: Any = None, **kwargs: Any) -> None:
        if isinstance(card, dict) and "cvc" not in card:
            card = {**card, "cvc": "000"}
        original(self, *args, card=card, **kwargs)

    resources.PaymentMethod.__init__ = init


def _created_filter() -> None:
    # Stripe lists take created[gte]; localstripe refuses the parameter. Apply it here, so the
    # connector sends what Stripe expects (its effects and inquiries list by creation time).
    for cls in (resources.PaymentIntent, resources.Refund):
        cls._api_list_all = classmethod(_filtered(cls._api_list_all.__func__))


def _filtered(base: Any) -> Any:
    def list_all(cls: Any, url: str, *args: Any, created: Any = None, **kwargs: Any) -> Any:
        listed = base(cls, url, *args, **kwargs)
        if isinstance(created, dict) and "gte" in created:
            least = int(created["gte"])
            listed._list = [o for o in listed._list if o.created >= least]
        return listed

    return list_all


async def _serve(port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A restart on the same port must not wait for the old connections' TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    runner = web.AppRunner(server.app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    print(f"port={sock.getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Serve on 127.0.0.1 until killed."""
    parser = argparse.ArgumentParser(prog="python -m stack.localstripe", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 lets the OS pick")
    parser.add_argument(
        "--stripe-compat",
        action="store_true",
        help="answer as Stripe documents where localstripe differs (stack/localstripe_compat.py)",
    )
    parser.add_argument(
        "--stripe-3ds",
        action="store_true",
        help="only the 3-D Secure redirect and its test page (stack/localstripe_3ds.py)",
    )
    args = parser.parse_args(argv)
    _memory_only()
    _cvc_optional()
    _created_filter()
    if args.stripe_compat:
        localstripe_compat.apply()
    if args.stripe_compat or args.stripe_3ds:
        localstripe_3ds.apply()
    asyncio.run(_serve(args.port))


if __name__ == "__main__":
    main()
