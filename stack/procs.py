"""Start, watch, kill and restart the processes of a local stack.

Each process gets its own process group (so a signal reaches anything it spawns)
and appends stdout and stderr to one log file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from stack.checks import Check


class NotReady(RuntimeError):
    """A process exited or did not pass its health check in time."""


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file, or "" if it cannot be read."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class ManagedProcess:
    """One child process: its command, environment, log file and lifecycle."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_file: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_file = log_file
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.log_offset = 0
        """Size of the log when the process last started; readiness is judged after it."""
        self._popen: subprocess.Popen[bytes] | None = None

    def start(self) -> ManagedProcess:
        """Start the process in its own session, appending output to the log file."""
        if self.alive:
            raise RuntimeError(f"{self.name} is already running (pid {self.pid})")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.log_offset = log.seek(0, os.SEEK_END)
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int | None:
        """The pid of the last start, or None if never started."""
        return self._popen.pid if self._popen else None

    @property
    def alive(self) -> bool:
        """True while the process runs."""
        return self._popen is not None and self._popen.poll() is None

    @property
    def returncode(self) -> int | None:
        """Exit status once it exited (negative: killed by that signal)."""
        return self._popen.poll() if self._popen else None

    def wait_ready(self, check: Check, timeout: float = 30.0, interval: float = 0.1) -> float:
        """Poll ``check`` until it passes; return the seconds it took since the call.

        Raises:
            NotReady: If the process exits first or ``timeout`` passes.
        """
        started = time.monotonic()
        while True:
            self._raise_if_exited()
            if check():
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise self._not_ready(f"not healthy after {timeout:.0f}s")
            time.sleep(interval)

    async def wait_ready_async(
        self,
        check: Check,
        timeout: float = 30.0,  # noqa: ASYNC109 - same signature as wait_ready
        interval: float = 0.1,
    ) -> float:
        """Like ``wait_ready`` but runs the check in a thread, leaving the event loop free."""
        started = time.monotonic()
        while True:
            self._raise_if_exited()
            if await asyncio.to_thread(check):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise self._not_ready(f"not healthy after {timeout:.0f}s")
            await asyncio.sleep(interval)

    def send_signal(self, sig: int) -> None:
        """Send ``sig`` to the process group, if the leader has not been reaped yet."""
        if self._popen is None or self._popen.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._popen.pid, sig)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the group; for SIGKILL also reap it, so ``alive`` is False after."""
        self.send_signal(sig)
        if sig == signal.SIGKILL and self._popen is not None:
            self._popen.wait()

    def terminate(self, timeout: float = 10.0) -> int | None:
        """SIGTERM the group, SIGKILL it after ``timeout`` seconds; return the exit status."""
        if self._popen is None:
            return None
        self.send_signal(signal.SIGTERM)
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        return self._popen.returncode

    def restart(self, timeout: float = 10.0) -> ManagedProcess:
        """Stop (gracefully, if running) and start again with the same command."""
        self.terminate(timeout)
        return self.start()

    def _raise_if_exited(self) -> None:
        if self._popen is None:
            raise NotReady(f"{self.name} was never started")
        if self._popen.poll() is not None:
            raise self._not_ready(f"exited with status {self._popen.returncode}")

    def _not_ready(self, what: str) -> NotReady:
        tail = log_tail(self.log_file)
        return NotReady(f"{self.name} {what}; read {self.log_file}\n{tail}")

    def __enter__(self) -> ManagedProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.terminate()
