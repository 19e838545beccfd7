"""Codec server configuration: ``CODEC_SERVER_*`` variables or command-line flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_BODY_BYTES = 4 * 1024 * 1024


class CodecServerSettings(BaseSettings):
    """Built once in ``python -m codec_server`` and passed to ``create_app``.

    There is no default for any file holding keys, tokens or the path secret.
    """

    model_config = SettingsConfigDict(env_prefix="CODEC_SERVER_", frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8234, ge=1, le=65535)
    keyring: Path
    """The payload keyring (``infra.keyring`` format); reloaded when it changes."""
    tokens: Path
    """Hashed bearer tokens (``python -m codec_server.tokens``); reloaded when it changes."""
    path_secret_file: Path | None = None
    """If set, ``/<secret>/decode`` is accepted with the reader role (for the dev server's UI)."""
    ui_origins: list[str] = Field(default_factory=list)
    """Exact origins allowed by CORS, e.g. ``http://127.0.0.1:8233``; never ``*``."""
    namespaces: list[str] = Field(default_factory=lambda: ["default"])
    """Namespaces (``X-Namespace``) this server decodes for; others get 403."""
    max_body_bytes: int = Field(default=MAX_BODY_BYTES, gt=0)
    allow_credentials: bool = False
    """Answer CORS with ``Allow-Credentials: true``; only for a UI with ``includeCredentials``."""
