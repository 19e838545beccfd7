"""Leaving a command-line entry point."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    """Flush stdout and stderr, then exit with ``code`` without interpreter teardown.

    A process that used the Temporal SDK can abort with SIGABRT during teardown after its work
    is done (temporalio/sdk-python#300), which would turn a success into a crash.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
