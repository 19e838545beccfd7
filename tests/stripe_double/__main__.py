"""Run the Stripe contract double alone: ``python -m tests.stripe_double --port 12111``."""

from __future__ import annotations

import argparse

from aiohttp import web

from tests.stripe_double.app import bound_socket, make_app


def main() -> None:
    """Serve on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0: a free port, printed")
    sock = bound_socket(parser.parse_args().port)
    print(f"stripe double on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    web.run_app(make_app(), sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
