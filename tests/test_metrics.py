"""Prometheus metrics after a small mixed run: right counts, and no card number or e-mail."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client

from api.main import create_app
from api.settings import ApiSettings
from facade import operations as ops
from infra import metrics
from infra.settings import Settings
from infra.temporal_client import connect
from payments.models import CaptureMethod, RefundRequest
from payments.reconcile import ReconcileInput
from stack.ports import free_port
from tests.helpers import Simulator, pay
from worker import sdk_runtime
from workflows.reconciliation_schedule import reconcile_now

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
_LEAKS = re.compile(r"(?<![0-9.])[0-9]{13,19}(?![0-9])|@|example\.com|4242")


def _samples(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _get(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _scrape(url: str) -> str:
    text = httpx.get(url, timeout=10).text
    # Names, label names and label values are where card data or e-mail could leak; sample
    # values are numbers (a timestamp can contain any four digits, such as 4242).
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            where = " ".join([sample.name, *sample.labels.keys(), *sample.labels.values()])
            assert not _LEAKS.search(where), where
    assert not re.search(r"@|example\.com", text)
    return text


@pytest.fixture(scope="module")
def worker_metrics_url() -> Iterator[str]:
    """The in-process worker's business metrics, served as the worker serves them."""
    port = free_port()
    metrics.serve(port)
    yield f"http://127.0.0.1:{port}/metrics"


async def _mixed_run(client: Client, settings: Settings) -> None:
    await pay(client, settings, amount=1500)
    manual = await pay(client, settings, amount=4000, capture=CaptureMethod.MANUAL)
    await ops.capture(client, manual.payment_id, 4000)
    await ops.refund(client, manual.payment_id, RefundRequest(refund_id="re_m1", amount=300))
    await pay(client, settings, card="decline")
    await pay(client, settings, card="insufficient")


async def test_worker_business_metrics(
    client: Client, settings: Settings, worker: None, worker_metrics_url: str
) -> None:
    before = _samples(_scrape(worker_metrics_url))
    await _mixed_run(client, settings)
    await reconcile_now(
        client, settings, ReconcileInput(task_queue=settings.task_queue, settle_seconds=0)
    )
    after = _samples(_scrape(worker_metrics_url))

    def delta(name: str, **labels: str) -> float:
        return _get(after, name, **labels) - _get(before, name, **labels)

    auth = "payments_authorizations_total"
    assert delta(auth, processor="primary", outcome="approved") == 2
    # The insufficient-funds card is refused at the balance check, before any authorization.
    assert delta(auth, processor="primary", outcome="declined") == 1
    assert delta("payments_declines_total", processor="primary", code="generic_decline") == 1
    for code in ("generic_decline", "insufficient_funds"):
        assert _get(after, "payments_failed_by_code", code=code) == 1
    assert delta("payments_captured_minor_units_total", processor="primary") == 5500
    assert delta("payments_refunded_minor_units_total", processor="primary") == 300
    latency = "payments_activity_seconds_count"
    assert delta(latency, step="capture", processor="primary", outcome="ok") == 2
    by_status = {"captured": 1, "partially_refunded": 1, "failed": 2}
    for status, count in by_status.items():
        assert _get(after, "payments_by_status", status=status, currency="USD") == count
    assert _get(after, "payments_reconciliation_findings", kind="mismatch") == 0
    assert ("payments_circuit_breaker_state", frozenset({("processor", "primary")})) in after


def test_simulator_and_api_serve_metrics(simulator: Simulator, settings: Settings) -> None:
    text = _scrape(f"{simulator.url}/metrics")
    assert 'http_requests_total{app="simulator"' in text
    assert "pay_" not in text  # route templates, never ids

    app = create_app(ApiSettings(run_dir=settings.run_dir))
    transport = httpx.ASGITransport(app=app)

    async def call() -> str:
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            await http.get("/healthz")
            return (await http.get("/metrics")).text

    text = asyncio.run(call())
    assert 'http_requests_total{app="api",method="GET",route="/healthz",status="200"}' in text


async def test_sdk_metrics_through_the_runtime(settings: Settings) -> None:
    port = free_port()
    runtime = sdk_runtime(settings.model_copy(update={"sdk_metrics_port": port}))
    assert runtime is not None
    client = await connect(settings, runtime=runtime)
    await client.count_workflows("WorkflowType = 'PaymentWorkflow'")
    text = _scrape(f"http://127.0.0.1:{port}/metrics")
    assert "temporal_request" in text
