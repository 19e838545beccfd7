"""The codec server's FastAPI app: ``POST [/<secret>]/encode`` and ``/decode``."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from temporalio.api.common.v1 import Payload

from codec_server.auth import Authenticator, Refused, Route, parse_route, read_path_secret
from codec_server.cors import Cors
from codec_server.reloading import ReloadingFile
from codec_server.settings import CodecServerSettings
from codec_server.tokens import Principal, Role, load_tokens
from codec_server.wire import MalformedBody, dump_payloads, parse_payloads
from infra.codec import CodecError, EncryptionCodec
from infra.keyring import KeyringError, load_keyring

audit = logging.getLogger("codec_server.audit")


def _load_codec(path: Any) -> EncryptionCodec:
    return EncryptionCodec(load_keyring(path))


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refusing with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # chunked uploads carry no Content-Length
            raise Refused(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class CodecService:
    """Authorizes a request, then encrypts or decrypts its payloads with the current keyring."""

    def __init__(self, settings: CodecServerSettings) -> None:
        """Files are read lazily and re-read when they change."""
        self.settings = settings
        self.codec = ReloadingFile(settings.keyring, _load_codec)
        tokens = ReloadingFile(settings.tokens, load_tokens)
        self.auth = Authenticator(tokens, read_path_secret(settings.path_secret_file))

    def authorize(self, route: Route, request: Request) -> tuple[Principal, str]:
        """The caller and namespace, or Refused (401/403/404)."""
        principal = self.auth.principal(route, request.headers)
        if route.operation == "encode" and principal.role is not Role.ADMIN:
            raise Refused(403, "encode needs the admin role")
        namespace = request.headers.get("x-namespace", "")
        if namespace not in self.settings.namespaces:
            raise Refused(403, "namespace not served by this codec server")
        return principal, namespace

    def convert(self, operation: str, payloads: list[Payload]) -> list[Payload]:
        """Encrypt or decrypt; Refused 422 for payloads that do not decrypt, 503 without keys."""
        try:
            codec = self.codec.current()
        except KeyringError:
            raise Refused(503, "keyring unavailable") from None
        if operation == "encode":
            return [codec.encrypt(p) for p in payloads]
        try:
            return [codec.decrypt(p) for p in payloads]
        except CodecError as exc:
            # CodecError names at most a key id, never payload bytes.
            raise Refused(422, str(exc)) from None


def _log(event: dict[str, Any]) -> None:
    audit.info(json.dumps(event, separators=(",", ":")))


def create_app(settings: CodecServerSettings) -> FastAPI:
    """The app for ``settings``; mount it with any ASGI server."""
    service = CodecService(settings)
    app = FastAPI(title="temporal-payments codec server", docs_url=None, redoc_url=None)
    app.middleware("http")(Cors(settings.ui_origins, allow_credentials=settings.allow_credentials))

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        _log({"event": "refused", "status": exc.status, "auth": _auth_kind(request)})
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/{path:path}")
    async def codec(path: str, request: Request) -> JSONResponse:
        started = time.perf_counter()
        route = parse_route(path)
        principal, namespace = service.authorize(route, request)
        raw = await read_limited(request, settings.max_body_bytes)
        try:
            payloads = parse_payloads(raw)
        except MalformedBody as exc:
            raise Refused(400, str(exc)) from None
        out = service.convert(route.operation, payloads)
        _log({"event": route.operation, "who": principal.name, "role": str(principal.role),
              "namespace": namespace, "payloads": len(out),
              "ms": round((time.perf_counter() - started) * 1000, 2)})  # fmt: skip
        return JSONResponse(dump_payloads(out).model_dump())

    return app


def _auth_kind(request: Request) -> str:
    # Never log the path itself: it may carry the path secret.
    if "authorization" in request.headers:
        return "bearer"
    return "path-secret" if request.url.path.strip("/").count("/") else "none"
