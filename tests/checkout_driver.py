"""Driving the hosted payment page in headless Chromium with scripts switched off.

Only DevTools' DOM, Input, Page and Emulation domains are used: the page's own JavaScript is
disabled (``Emulation.setScriptExecutionDisabled``), so these tests prove it needs none. A field
is filled by setting its ``value`` attribute, a button pressed with a real mouse click.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cli.testcards import card_number
from tests.cdp_pipe import Browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}


@dataclass(frozen=True)
class Box:
    """An element's content box in CSS pixels, and the viewport's size."""

    x: float
    y: float
    width: float
    height: float
    viewport: tuple[float, float]

    @property
    def inside_viewport(self) -> bool:
        """Non-empty and wholly on screen (no scrolling needed to read it)."""
        vw, vh = self.viewport
        inside = self.x >= 0 and self.x + self.width <= vw and 0 <= self.y <= vh - self.height
        return self.width > 0 and self.height > 0 and inside


class CheckoutPage:
    """One browser tab on the hosted page."""

    def __init__(self, browser: Browser, *, phone: bool = False, accept_language: str = "") -> None:
        """Scripts off; a 390x844 phone screen if ``phone``; ``Accept-Language`` if given."""
        self.browser = browser
        browser.call("Emulation.setScriptExecutionDisabled", value=True)
        if phone:
            browser.call("Emulation.setDeviceMetricsOverride", **PHONE)
        if accept_language:
            browser.call("Network.enable")
            headers = {"Accept-Language": accept_language}
            browser.call("Network.setExtraHTTPHeaders", headers=headers)

    def open(self, url: str, ready: str = "<body") -> str:
        """Go to ``url`` and wait until the page holds ``ready``; its HTML."""
        self.browser.goto(url)
        return self.wait(lambda: ready in self.html())

    async def load(self, url: str, ready: str = "<body") -> str:
        """``open`` in a thread: the test's event loop runs the worker behind the API meanwhile."""
        return await asyncio.to_thread(self.open, url, ready)

    async def until(self, done: Callable[[], bool], timeout: float = 45.0) -> str:
        """``wait`` in a thread, for the same reason."""
        return await asyncio.to_thread(self.wait, done, timeout)

    def url(self) -> str:
        """The address the tab shows ('' between two documents)."""
        try:
            history = self.browser.call("Page.getNavigationHistory")
        except RuntimeError:
            return ""  # between two documents
        return str(history["entries"][history["currentIndex"]]["url"])

    def html(self) -> str:
        """The document as it is now ('' between two pages)."""
        try:
            root = self.browser.call("DOM.getDocument", depth=0)["root"]["nodeId"]
            return str(self.browser.call("DOM.getOuterHTML", nodeId=root)["outerHTML"])
        except RuntimeError:
            return ""

    def wait(self, done: Callable[[], bool], timeout: float = 45.0) -> str:
        """Poll until ``done()``; the HTML then (fails with the HTML on timeout)."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"page never got there: {self.url()}\n{self.html()[-1500:]}")
            time.sleep(0.2)
        return self.html()

    def _node(self, selector: str) -> int:
        root = self.browser.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        node = int(self.browser.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"])
        assert node, f"no {selector} on the page"
        return node

    def fill(self, selector: str, value: str) -> None:
        """Type ``value`` into a field (as its value attribute: no script involved)."""
        self.browser.call("DOM.setAttributeValue", nodeId=self._node(selector), name="value",
                          value=value)  # fmt: skip

    def click(self, selector: str) -> None:
        """Press and release the mouse on the element's middle."""
        node = self._node(selector)
        self.browser.call("DOM.scrollIntoViewIfNeeded", nodeId=node)
        quad = self.browser.call("DOM.getBoxModel", nodeId=node)["model"]["content"]
        x, y = (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
        for kind in ("mousePressed", "mouseReleased"):
            self.browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                              clickCount=1)  # fmt: skip

    def pay(self, card: str, exp: str = "12/34", cvc: str = "123") -> None:
        """Fill the card form and press pay."""
        self.fill("#number", card_number(card))
        self.fill("#exp", exp)
        self.fill("#cvc", cvc)
        self.click("#pay")

    def box(self, selector: str) -> Box:
        """Where ``selector`` is drawn (DOM.getBoxModel) against the visual viewport."""
        model = self.browser.call("DOM.getBoxModel", nodeId=self._node(selector))["model"]
        quad = model["content"]
        view = self.browser.call("Page.getLayoutMetrics")["cssVisualViewport"]
        return Box(quad[0], quad[1], model["width"], model["height"],
                   (view["clientWidth"], view["clientHeight"]))  # fmt: skip

    def shot(self, path: Path) -> bytes:
        """A PNG of what is on screen, saved to ``path``."""
        data = base64.b64decode(self.browser.call("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data

    def text_of(self, selector: str) -> str:
        """The element's markup (its words, with their tags)."""
        node = self._node(selector)
        return str(self.browser.call("DOM.getOuterHTML", nodeId=node)["outerHTML"])
