"""The double's aiohttp application, its admin endpoints and a thread to run it on.

Admin (no API key, 127.0.0.1 only):

- ``POST /__double/faults`` ``{"mode": ..., "count": n, "seconds": s, "retry_after": s,
  "routes": [...]}`` arms a fault (tests/stripe_double/faults.py); ``DELETE`` disarms all;
  ``GET`` lists them.
- ``POST /__double/clock`` ``{"advance": seconds}`` moves the double's clock on (key expiry).
- ``POST /__double/search_lag`` ``{"seconds": s}``: new objects show in search only ``s``
  seconds later, as Stripe's search lags (0 by default; lists never lag).
- ``GET /__double/health``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from types import TracebackType

from aiohttp import web
from pydantic import ValidationError

from tests.stripe_double import three_ds
from tests.stripe_double.admin import DoubleAdmin
from tests.stripe_double.faults import Fault
from tests.stripe_double.server import DOUBLE, Double, stripe_api


async def _arm(request: web.Request) -> web.Response:
    double: Double = request.app[DOUBLE]
    try:
        fault = Fault.model_validate_json(await request.text())
    except ValidationError as err:
        return web.json_response({"error": err.errors(include_url=False)}, status=400)
    double.faults.arm(fault)
    return web.json_response({"armed": double.faults.armed()})


async def _disarm(request: web.Request) -> web.Response:
    request.app[DOUBLE].faults.clear()
    return web.json_response({"armed": []})


async def _armed(request: web.Request) -> web.Response:
    return web.json_response({"armed": request.app[DOUBLE].faults.armed()})


async def _clock(request: web.Request) -> web.Response:
    double: Double = request.app[DOUBLE]
    double.offset += float((await request.json())["advance"])
    return web.json_response({"now": double.now()})


async def _search_lag(request: web.Request) -> web.Response:
    ledger = request.app[DOUBLE].ledger
    ledger.search_lag = float((await request.json())["seconds"])
    return web.json_response({"search_lag": ledger.search_lag})


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _three_ds_page(request: web.Request) -> web.Response:
    return await three_ds.page(request, request.app[DOUBLE].ledger)


def make_app(double: Double | None = None) -> web.Application:
    """The application answering Stripe's routes and the admin routes."""
    app = web.Application()
    app[DOUBLE] = double or Double()
    app.router.add_post("/__double/faults", _arm)
    app.router.add_delete("/__double/faults", _disarm)
    app.router.add_get("/__double/faults", _armed)
    app.router.add_post("/__double/clock", _clock)
    app.router.add_post("/__double/search_lag", _search_lag)
    app.router.add_get("/__double/health", _health)
    app.router.add_route("*", "/v1/{tail:.*}", stripe_api)
    app.router.add_route("*", three_ds.PAGE + "{pi}", _three_ds_page)
    return app


def bound_socket(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: the OS picks one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


class StripeDouble:
    """The double on its own thread and event loop; a context manager.

    Attributes: ``url`` (``http://127.0.0.1:<port>``), ``double`` (the state, for assertions).
    """

    def __init__(self) -> None:
        self.double = Double()
        self._sock = bound_socket()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stripe-double", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(
            make_app(self.double), handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.SockSite(runner, self._sock).start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # requests a fault still holds back
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    @property
    def admin(self) -> DoubleAdmin:
        """The admin client of this double."""
        return DoubleAdmin(self.url)

    def __enter__(self) -> StripeDouble:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the Stripe double did not start within 10 s")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
