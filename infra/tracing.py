"""OpenTelemetry tracing, off by default: API request -> workflow -> activity -> processor call.

``PAYMENTS_OTEL_TRACES`` is ``off`` (default), ``console`` or ``otlp`` (to
``PAYMENTS_OTEL_ENDPOINT``, OTLP over HTTP). Spans come from Temporal's ``TracingInterceptor``
(client and worker), the FastAPI server instrumentation, the processor client's own client spans
(``processors.http``) and the httpx instrumentation (webhooks); every span in a payment's
context carries ``payment.id``.
"""

from __future__ import annotations

from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from temporalio import activity
from temporalio.contrib.opentelemetry import TracingInterceptor

from infra.settings import Settings

PAYMENT_ID = "payment.id"


class PaymentIdProcessor(SpanProcessor):
    """Adds ``payment.id``: from Temporal's workflow-id attribute, or the running activity."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Tag the span as it starts, so every exporter sees the attribute."""
        attrs = span.attributes or {}
        payment_id = attrs.get("temporalWorkflowID")
        if payment_id is None and activity.in_activity():
            payment_id = activity.info().workflow_id
        if isinstance(payment_id, str) and payment_id.startswith("pay_"):
            span.set_attribute(PAYMENT_ID, payment_id)


def tag_payment(payment_id: str) -> None:
    """Put ``payment.id`` on the current span (an API request's); a no-op when tracing is off."""
    trace.get_current_span().set_attribute(PAYMENT_ID, payment_id)


def enabled(settings: Settings) -> bool:
    """Whether this process should trace at all."""
    return settings.otel_traces != "off"


def _exporter(settings: Settings) -> SpanExporter:
    if settings.otel_traces == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter(endpoint=settings.otel_endpoint)


def provider(service: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """A tracer provider for ``service`` with the payment-id tagger (and ``exporter``)."""
    tracer_provider = TracerProvider(resource=Resource.create({"service.name": service}))
    tracer_provider.add_span_processor(PaymentIdProcessor())
    if exporter is not None:
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    return tracer_provider


def setup(service: str, settings: Settings) -> None:
    """In an entry point: install the global provider and instrument httpx, if enabled."""
    if not enabled(settings):
        return
    trace.set_tracer_provider(provider(service, _exporter(settings)))
    instrument_http_clients()


def instrument_http_clients() -> None:
    """Spans for every httpx call of this process (webhooks; processor calls make their own)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor: Any = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()


def interceptors(settings: Settings) -> list[TracingInterceptor]:
    """Temporal client (and so worker) interceptors: one ``TracingInterceptor`` when enabled."""
    return [TracingInterceptor()] if enabled(settings) else []


def instrument_app(app: Any, settings: Settings) -> None:
    """Server spans for a FastAPI app, when enabled."""
    if enabled(settings):
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app)
