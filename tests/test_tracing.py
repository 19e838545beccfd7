"""One trace for one payment: API request, workflow, activity and processor call spans."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.main import create_app
from api.settings import ApiSettings
from infra import tracing
from infra.settings import Settings
from infra.temporal_client import connect
from stores.merchants import new_api_key
from worker import build_worker, worker_http


def _memory_exporter() -> InMemorySpanExporter:
    """The process-wide provider can be set once; this test owns it."""
    exporter = InMemorySpanExporter()
    tracer_provider = tracing.provider("test")
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(tracer_provider)
    tracing.instrument_http_clients()
    return exporter


async def _create_payment(api: ApiSettings, key: str) -> str:
    app = create_app(api)
    body = {
        "amount": 1999,
        "currency": "USD",
        "card": {"number": "4242424242424242", "exp_month": 12,
                 "exp_year": date.today().year + 2, "cvc": "123"},
        "customer": {"id": "cus_1", "email": "ana@example.com"},
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            resp = await http.post("/v1/payments", json=body, headers=headers, timeout=60)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["id"])


async def test_one_trace_from_api_to_processor(settings: Settings) -> None:
    exporter = _memory_exporter()
    traced = settings.model_copy(update={"otel_traces": "console"})
    key = new_api_key()
    api = ApiSettings.model_validate(
        {**traced.model_dump(), "api_keys": {"merchant_trace": key}, "api_port": 0}
    )
    client = await connect(traced)
    async with worker_http(traced) as http, build_worker(client, traced, http):
        payment_id = await _create_payment(api, key)

    spans = exporter.get_finished_spans()
    server = next(s for s in spans if s.name == "POST /v1/payments" and s.parent is None)
    assert (server.attributes or {}).get(tracing.PAYMENT_ID) == payment_id
    same = [s for s in spans if s.context.trace_id == server.context.trace_id]
    names = {s.name for s in same}
    assert "StartUpdateWithStartWorkflow:PaymentWorkflow" in names
    assert "RunWorkflow:PaymentWorkflow" in names
    assert {"RunActivity:authorize", "RunActivity:capture"} <= names

    def url(span: ReadableSpan) -> str:
        attrs = span.attributes or {}
        return str(attrs.get("url.full") or attrs.get("http.url") or "")

    processor_calls = [
        s for s in same
        if url(s).startswith(settings.processor_url) and s.kind is trace.SpanKind.CLIENT
        and (s.attributes or {}).get(tracing.PAYMENT_ID) == payment_id
    ]  # fmt: skip
    assert len(processor_calls) >= 2  # balance, authorize, capture: tagged with the payment id
    tagged = {s.name for s in same if s.attributes and s.attributes.get(tracing.PAYMENT_ID)}
    assert "RunWorkflow:PaymentWorkflow" in tagged and "RunActivity:authorize" in tagged
