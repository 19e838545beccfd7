"""``python -m api``: serve the HTTP API with uvicorn (settings from ``PAYMENTS_*`` variables)."""

from __future__ import annotations

import sys

import uvicorn

from api.main import create_app
from api.settings import ApiSettings
from infra import tracing
from infra.exits import exit_now
from infra.logging_setup import configure as configure_logging
from stores.database import DatabaseUnavailable, check_reachable


def main() -> int:
    """Build the settings once, then serve until SIGTERM or SIGINT."""
    settings = ApiSettings()
    try:
        # First, so a wrong database URL is one line here instead of a lifespan traceback.
        check_reachable(settings.database())
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging("api")
    tracing.setup("payments-api", settings)
    app = create_app(settings)
    # Access logs show method, path and status only: no body, no headers, no API key.
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_config=None)
    return 0


if __name__ == "__main__":
    code = main()
    exit_now(code)
