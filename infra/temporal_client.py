"""Connecting to Temporal: the local dev server, a self-hosted cluster or Temporal Cloud."""

from __future__ import annotations

from temporalio.client import Client, TLSConfig
from temporalio.runtime import Runtime

from infra import tracing
from infra.converter import build_data_converter
from infra.keyring import load_keyring
from infra.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS options from settings: off, system roots, or explicit CA and client certificate."""
    if not settings.temporal_tls:
        return False
    files = (
        settings.temporal_tls_ca_file,
        settings.temporal_tls_cert_file,
        settings.temporal_tls_key_file,
    )
    if not any(files) and not settings.temporal_tls_server_name:
        return True
    ca, cert, key = (f.read_bytes() if f else None for f in files)
    return TLSConfig(
        server_root_ca_cert=ca,
        client_cert=cert,
        client_private_key=key,
        domain=settings.temporal_tls_server_name,
    )


async def connect(
    settings: Settings, *, lazy: bool = False, runtime: Runtime | None = None
) -> Client:
    """A client with the project's data converter (encryption included).

    With ``lazy`` it connects on first use, so a server can start while Temporal is down.
    ``runtime`` carries telemetry (the worker's SDK metrics); None uses the default runtime.

    Raises:
        infra.keyring.KeyringError: If the payload keyring is missing or malformed.
    """
    keyring = load_keyring(settings.resolved_codec_key_file())
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=build_data_converter(keyring),
        tls=tls_config(settings),
        api_key=api_key,
        lazy=lazy,
        runtime=runtime,
        interceptors=tracing.interceptors(settings),
    )
