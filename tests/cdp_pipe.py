"""A tiny headless-Chromium driver over the DevTools pipe (no websocket library needed).

Chromium reads DevTools commands from fd 3 and writes answers to fd 4, NUL-separated JSON.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
    "--remote-debugging-pipe", "--window-size=1400,1800",
)  # fmt: skip


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with a fresh profile and one page."""

    def __init__(self, executable: str, extra_flags: tuple[str, ...] = ()) -> None:
        self._profile = tempfile.mkdtemp(prefix="chromium-")
        # DevTools events (no "id") received while waiting for answers, oldest first.
        self.events: list[dict[str, Any]] = []
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()
        profile = f"--user-data-dir={self._profile}"
        self._proc = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, *extra_flags, profile, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            # Chromium insists on fds 3 and 4 for the pipe; dup2 puts ours there after fork.
            preexec_fn=lambda: (os.dup2(to_child, 3), os.dup2(from_child, 4)),
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]

    def call(self, method: str, timeout: float = 15.0, **params: Any) -> dict[str, Any]:
        """Send one command (to the page once attached) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if getattr(self, "_session", None):
            message["sessionId"] = self._session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if "method" in reply and "id" not in reply:
                self.events.append(reply)
            elif reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(line))

    def goto(self, url: str) -> None:
        """Navigate the page."""
        self.call("Page.navigate", url=url)

    def text(self) -> str:
        """The page's rendered DOM (outer HTML, so code blocks count too)."""
        expr = "document.documentElement ? document.documentElement.outerHTML : ''"
        result = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return str(result["result"].get("value", ""))

    def wait_for(self, needles: list[str], timeout: float) -> str:
        """Poll the DOM until it contains every needle or ``timeout`` passes; return the DOM."""
        deadline = time.monotonic() + timeout
        dom = self.text()
        while not all(n in dom for n in needles) and time.monotonic() < deadline:
            time.sleep(0.25)
            dom = self.text()
        return dom

    def screenshot(self, path: Path) -> None:
        """Save a PNG of the page."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        self._proc.kill()
        self._proc.wait()
        for fd in (self._in, self._out):
            os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
