"""Re-record the replay corpus: ``python -m tests.replay.record [branch ...]`` (about 30 s).

Starts its own servers and simulators on free ports in a temporary folder, runs every scenario
at once against in-process workers of the current code, and writes one complete history per
branch to ``tests/replay/corpus/``. The client has no payload codec, so the files hold no
secret: test-card tokens, last four digits and test merchant ids only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from infra.keyring import ensure_keyring
from infra.settings import ProcessorEndpoint, Settings
from payments.models import PaymentView, Refund
from stack.ports import free_port
from stores.merchants import new_api_key
from tests.replay import BRANCHES, CORPUS_DIR, REFUND_BRANCHES, corpus_path
from tests.replay.scenarios import EXPECTED, HOOKED_MERCHANT, SCENARIOS, Context, marks
from tests.replay.stack import RecordingStack, recording_stack
from tests.store_calls import blocking, run_directory
from worker import build_worker, worker_http

# Worker group -> (primary simulator, secondary simulator or None).
GROUPS: dict[str, tuple[str, str | None]] = {
    "plain": ("plain", None),
    "skipping": ("plain", None),
    "failover": ("outage", "plain"),
    "unknown": ("hang", "plain"),
    "flagged": ("killed", "plain"),
}


class _Accept(BaseHTTPRequestHandler):
    """A merchant endpoint that accepts every webhook (the payload is not what is recorded)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def webhook_endpoint(run_dir: Path) -> Iterator[None]:
    """Register ``HOOKED_MERCHANT``'s endpoint and serve it until exit."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Accept)
    directory = run_directory(run_dir)
    blocking(directory.add_merchant(HOOKED_MERCHANT, new_api_key()))
    blocking(directory.set_webhook(HOOKED_MERCHANT, f"http://127.0.0.1:{server.server_port}/hooks"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()


def group_settings(stack: RecordingStack, run_dir: Path, group: str) -> Settings:
    """One worker group's settings: its processors, its task queue, quick breakers."""
    primary, secondary = GROUPS[group]
    processors = [ProcessorEndpoint(name="primary", url=stack.sims[primary].url, priority=0)]
    if secondary is not None:
        url = stack.sims[secondary].url
        processors.append(ProcessorEndpoint(name="secondary", url=url, priority=1))
    return Settings(
        processor_url=stack.sims[primary].url,
        processors=processors,
        run_dir=run_dir,
        task_queue=f"replay-{group}",
        processor_timeout_seconds=2.0,
        breaker_threshold=2,
        breaker_reset_seconds=2.0,
        webhook_allow_private_targets=True,  # the recorded webhooks go to 127.0.0.1
    )


@contextlib.asynccontextmanager
async def workers(stack: RecordingStack, run_dir: Path) -> AsyncIterator[Context]:
    """One in-process worker per group, on the dev server or (``skipping``) the other one."""
    all_settings = {g: group_settings(stack, run_dir, g) for g in GROUPS}
    queues = {g: s.task_queue for g, s in all_settings.items()}
    ctx = Context(stack, all_settings["plain"], queues)
    async with contextlib.AsyncExitStack() as running:
        http = await running.enter_async_context(worker_http(all_settings["plain"]))
        for group, settings in all_settings.items():
            worker = build_worker(ctx.client_for(group), settings, http)
            await running.enter_async_context(worker)
        yield ctx


async def record_refund(ctx: Context, branch: str) -> str:
    """Run a ``RefundWorkflow`` branch's scenario and write the refund workflow's history."""
    workflow_id = await SCENARIOS[branch](ctx)
    handle = ctx.client_for("plain").get_workflow_handle(workflow_id, result_type=Refund)
    made = await handle.result()
    history = await handle.fetch_history()
    path = corpus_path(branch)
    path.write_text(history.to_json() + "\n")
    return f"{branch:26} {made.refund_id:20} {len(history.events):4} events"


async def record_one(ctx: Context, branch: str) -> str:
    """Run ``branch``'s scenario to completion, check it took that branch, write its history."""
    if branch in REFUND_BRANCHES:
        return await record_refund(ctx, branch)
    payment_id = await SCENARIOS[branch](ctx)
    group = "skipping" if branch == "expiry" else "plain"
    handle = ctx.client_for(group).get_workflow_handle(payment_id, result_type=PaymentView)
    final = await handle.result()
    status, wanted = EXPECTED[branch]
    if final.status is not status or not wanted <= marks(final):
        raise RuntimeError(f"{branch}: ended {final.status}, marks {sorted(marks(final))}")
    history = await handle.fetch_history()
    path = corpus_path(branch)
    path.write_text(history.to_json() + "\n")
    return f"{branch:26} {final.status.value:20} {len(history.events):4} events  " + (
        f"{path.stat().st_size / 1024:5.1f} KB"
    )


async def record(branches: list[str]) -> None:
    """Record ``branches`` concurrently on one fresh stack."""
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
        run_dir = Path(tmp)
        ensure_keyring(run_dir / "vault-key.json")
        async with recording_stack(run_dir) as stack, workers(stack, run_dir) as ctx:
            with webhook_endpoint(run_dir):
                runs = [record_one(ctx, b) for b in branches]
                results = await asyncio.gather(*runs, return_exceptions=True)
    for branch, result in zip(branches, results, strict=True):
        line = f"{branch}: NOT RECORDED: {result!r}" if isinstance(result, Exception) else result
        sys.stdout.write(f"{line}\n")
    if any(isinstance(result, Exception) for result in results):
        raise SystemExit("some branches were not recorded; their old histories are unchanged")


def main(argv: list[str] | None = None) -> int:
    """Parse the branches to record (all by default) and record them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    every = (*BRANCHES, *REFUND_BRANCHES)
    parser.add_argument("branches", nargs="*", help=f"any of {', '.join(every)}; all if none")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.branches) - set(every))
    if unknown:
        parser.error(f"unknown branches: {', '.join(unknown)}")
    # The scenarios inject faults on purpose: their warnings (failed activity attempts, breakers)
    # are expected; a scenario that misses its branch raises instead.
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(record(args.branches or list(every)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
