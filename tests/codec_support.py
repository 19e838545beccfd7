"""Codec-server test support: a run folder with keys, tokens and a path secret, and the real
``python -m codec_server`` process on a free port. Fixtures are in ``tests.conftest_codec``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codec_server.tokens import Role, add_token
from infra.keyring import ensure_keyring
from stack.checks import http_ok
from stack.codec import PATH_SECRET_FILE, TOKENS_FILE, codec_server_command, path_secret
from stack.commands import child_env
from stack.ports import free_port
from stack.procs import ManagedProcess


@dataclass(frozen=True)
class CodecFiles:
    """A run folder for a codec server and the credentials written into it."""

    run_dir: Path
    reader_token: str
    admin_token: str

    @property
    def keyring(self) -> Path:
        """The payload keyring."""
        return self.run_dir / "codec-keys.json"

    @property
    def tokens(self) -> Path:
        """The hashed tokens file."""
        return self.run_dir / TOKENS_FILE

    @property
    def secret(self) -> str:
        """The path secret."""
        return path_secret(self.run_dir)

    @property
    def secret_file(self) -> Path:
        """Where the path secret lives."""
        return self.run_dir / PATH_SECRET_FILE


@dataclass
class CodecServer:
    """A running codec server and how to reach it."""

    url: str
    ui_origin: str
    files: CodecFiles
    proc: ManagedProcess


def make_codec_files(run_dir: Path) -> CodecFiles:
    """Keyrings (payloads and vault), a reader and an admin token, and a path secret."""
    ensure_keyring(run_dir / "codec-keys.json")
    ensure_keyring(run_dir / "vault-key.json")
    path_secret(run_dir)
    reader = add_token(run_dir / TOKENS_FILE, "ops-reader", Role.READER)
    admin = add_token(run_dir / TOKENS_FILE, "ops-admin", Role.ADMIN)
    return CodecFiles(run_dir, reader, admin)


def start_codec_server(files: CodecFiles, *, ui_port: int, port: int | None = None) -> CodecServer:
    """Start ``python -m codec_server`` for ``files`` and wait until it answers."""
    port = port or free_port()
    argv = codec_server_command(
        port=port, run_dir=files.run_dir, keyring=files.keyring, ui_port=ui_port
    )
    log = files.run_dir / "logs" / "codec.log"
    proc = ManagedProcess("codec", argv, log_file=log, env=child_env()).start()
    url = f"http://127.0.0.1:{port}"
    proc.wait_ready(lambda: http_ok(f"{url}/healthz"), timeout=30)
    return CodecServer(url, f"http://127.0.0.1:{ui_port}", files, proc)
