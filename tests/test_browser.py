"""The Web UI shows decrypted payloads through the codec server, and only through it.

A full stack on free ports: a dev server whose UI points at the codec server's path-secret
endpoint, the codec server, the session's simulator and a worker; headless Debian Chromium
driven over the DevTools pipe renders the workflow page.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.client import Client

from infra.settings import Settings
from infra.temporal_client import connect
from payments.models import CaptureMethod
from stack.checks import http_ok, temporal_healthy
from stack.codec import PATH_SECRET_FILE, ui_codec_args
from stack.commands import dev_server_command
from stack.ports import free_port
from stack.procs import ManagedProcess
from tests.cdp_pipe import Browser, chromium_path
from tests.codec_support import CodecFiles, make_codec_files, start_codec_server
from tests.helpers import Simulator, pay
from worker import build_worker, worker_http

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium: apt-get install -y chromium (.ci/run does)"
)
# Only in the decrypted input: the amount, the currency, the card's last four as JSON.
DECRYPTED = ["4321", '"USD"', '"last4"', '"4242"']
FAILED_CODEC = "Codec Server could not connect"


class UiStack:
    """Ports and files of the stack under test."""

    def __init__(self, files: CodecFiles) -> None:
        self.files = files
        self.grpc, self.ui, self.codec = free_port(), free_port(), free_port()

    def page(self, payment_id: str) -> str:
        """The workflow's page in the Web UI (its Timeline tab shows input and result)."""
        return f"http://127.0.0.1:{self.ui}/namespaces/default/workflows/{payment_id}"


@pytest.fixture(scope="module")
def ui_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiStack]:
    stack = UiStack(make_codec_files(tmp_path_factory.mktemp("ui")))
    argv = dev_server_command(
        port=stack.grpc, ui_port=stack.ui, db_file=stack.files.run_dir / "temporal.db",
        extra_args=ui_codec_args(stack.codec, stack.files.secret),
    )  # fmt: skip
    log = stack.files.run_dir / "logs" / "temporal.log"
    with ManagedProcess("temporal", argv, log_file=log) as proc:
        proc.wait_ready(lambda: temporal_healthy(f"127.0.0.1:{stack.grpc}"), timeout=60)
        yield stack


@pytest.fixture
async def ui_client(
    ui_stack: UiStack, simulator: Simulator
) -> AsyncIterator[tuple[Client, Settings]]:
    settings = Settings(
        temporal_address=f"127.0.0.1:{ui_stack.grpc}",
        processor_url=simulator.url,
        run_dir=ui_stack.files.run_dir,
        task_queue=f"ui-{uuid.uuid4().hex[:8]}",
    )
    client = await connect(settings)
    async with worker_http(settings) as http, build_worker(client, settings, http):
        yield client, settings


async def test_ui_decrypts_only_through_the_codec_server(
    ui_stack: UiStack, ui_client: tuple[Client, Settings], tmp_path: Path
) -> None:
    client, settings = ui_client
    view = await pay(client, settings, amount=4321, capture=CaptureMethod.MANUAL)
    codec = start_codec_server(ui_stack.files, ui_port=ui_stack.ui, port=ui_stack.codec)
    assert CHROMIUM is not None
    try:
        with Browser(CHROMIUM) as browser:
            browser.goto(ui_stack.page(view.payment_id))
            dom = browser.wait_for(DECRYPTED, timeout=20)
            browser.screenshot(tmp_path / "decrypted.png")
            assert all(text in dom for text in DECRYPTED), "the UI did not show decrypted input"

        # A path secret the server does not know (the UI still sends the old one).
        codec.proc.terminate()
        (ui_stack.files.run_dir / PATH_SECRET_FILE).write_text("rotated-" + "x" * 24 + "\n")
        codec.proc.start()
        codec.proc.wait_ready(lambda: http_ok(f"{codec.url}/healthz"), timeout=30)
        _assert_encrypted_only(ui_stack.page(view.payment_id), view.payment_id)
    finally:
        codec.proc.terminate()
    _assert_encrypted_only(ui_stack.page(view.payment_id), view.payment_id, FAILED_CODEC)


def _assert_encrypted_only(url: str, payment_id: str, marker: str = "") -> None:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.goto(url)
        # First the page itself (slow on a busy machine), then the time the UI needed to decode:
        # the page must stay encrypted.
        browser.wait_for([payment_id, marker], timeout=30)
        dom = browser.wait_for([payment_id, marker, '"last4"'], timeout=5)
        assert payment_id in dom and marker in dom
        assert not any(text in dom for text in DECRYPTED[2:])
        assert "4321" not in dom
