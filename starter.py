"""Merchant and operator CLI: ``python starter.py pay --amount 1999 --currency USD --card visa``.

Run ``python starter.py --help`` for every command.
"""

from __future__ import annotations

import asyncio
import sys

from cli.main import run
from infra.exits import exit_now

if __name__ == "__main__":
    try:
        code = asyncio.run(run(sys.argv[1:]))
    except KeyboardInterrupt:
        code = 130
    exit_now(code)
