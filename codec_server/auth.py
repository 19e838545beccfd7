"""Who is calling: a bearer token from the tokens file, or the per-installation path secret."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codec_server.reloading import ReloadingFile
from codec_server.tokens import Principal, Role, token_hash

OPERATIONS = ("encode", "decode")
PATH_SECRET_PRINCIPAL = Principal("path-secret", Role.READER)
MIN_SECRET_CHARS = 16


class Refused(Exception):
    """A request the server answers with ``status`` and a message that echoes nothing sent."""

    def __init__(self, status: int, message: str) -> None:
        """Refuse with an HTTP status and a short, fixed message."""
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Route:
    """What a path asks for: the operation and the secret segment before it, if any."""

    operation: str
    secret: str | None


def parse_route(path: str) -> Route:
    """Split ``[<secret>/]encode|decode``; only the last segment picks the operation."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[-1] not in OPERATIONS or len(parts) > 2:
        raise Refused(404, "not found; POST /encode or /decode")
    return Route(operation=parts[-1], secret=parts[0] if len(parts) == 2 else None)


def read_path_secret(path: Path | None) -> str | None:
    """The path secret from its file, or None when the path-secret endpoint is disabled."""
    if path is None:
        return None
    secret = path.read_text().strip()
    if len(secret) < MIN_SECRET_CHARS or "/" in secret:
        raise ValueError(f"path secret in {path} must be {MIN_SECRET_CHARS}+ chars without '/'")
    return secret


class Authenticator:
    """Checks the Authorization header or the path secret; there is no anonymous access."""

    def __init__(self, tokens: ReloadingFile[dict[str, Principal]], path_secret: str | None):
        """Tokens are re-read when their file changes; the path secret is fixed at start."""
        self._tokens = tokens
        self._path_secret = path_secret

    def principal(self, route: Route, headers: Mapping[str, str]) -> Principal:
        """Who is calling.

        Raises:
            Refused: 401 without valid credentials, 404 for a path secret that does not match.
        """
        if route.secret is not None:
            return self._by_secret(route.secret)
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "authentication required: Authorization: Bearer <token>")
        found = self._tokens.current().get(token_hash(token.strip()))
        if found is None:
            raise Refused(401, "invalid token")
        return found

    def _by_secret(self, secret: str) -> Principal:
        expected = self._path_secret
        if expected is None or not hmac.compare_digest(secret.encode(), expected.encode()):
            # 404 rather than 401: a wrong secret looks like a path that does not exist.
            raise Refused(404, "not found")
        return PATH_SECRET_PRINCIPAL
