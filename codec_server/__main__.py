"""Run the codec server: ``python -m codec_server --keyring F --tokens F [...]``.

Every flag can also be set with a ``CODEC_SERVER_*`` environment variable (lists as JSON).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError

from codec_server.app import create_app
from codec_server.settings import CodecServerSettings
from infra.exits import exit_now


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m codec_server", description=__doc__)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--keyring", type=Path, help="payload keyring file")
    p.add_argument("--tokens", type=Path, help="hashed bearer tokens file")
    p.add_argument("--path-secret-file", type=Path, help="enables /<secret>/decode (reader)")
    p.add_argument("--ui-origin", dest="ui_origins", action="append", help="CORS origin")
    p.add_argument("--namespace", dest="namespaces", action="append", help="allowed namespace")
    p.add_argument("--max-body-bytes", type=int)
    p.add_argument("--allow-credentials", action="store_true", default=None)
    return p


def build_settings(argv: list[str]) -> CodecServerSettings:
    """Flags override environment variables; unset flags leave them alone."""
    given: dict[str, Any] = {k: v for k, v in vars(_parser().parse_args(argv)).items() if v}
    return CodecServerSettings(**given)


def main(argv: list[str]) -> int:
    """Entry point; returns the exit status."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
    try:
        settings = build_settings(argv)
        app = create_app(settings)
    except (ValidationError, ValueError, OSError) as exc:
        print(f"error: cannot start codec server: {exc}", file=sys.stderr)
        return 2
    # No access log: request paths can carry the path secret.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    exit_now(code)
