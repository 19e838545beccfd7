"""Fixtures for the codec-server tests; load with ``pytest_plugins = ("tests.conftest_codec",)``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stack.ports import free_port
from tests.codec_support import CodecFiles, CodecServer, make_codec_files, start_codec_server


@pytest.fixture(scope="module")
def codec_files(tmp_path_factory: pytest.TempPathFactory) -> CodecFiles:
    """A fresh run folder for one test module."""
    return make_codec_files(tmp_path_factory.mktemp("codec"))


@pytest.fixture(scope="module")
def codec_server(codec_files: CodecFiles) -> Iterator[CodecServer]:
    """The codec server over ``codec_files``, allowing a made-up Web UI origin."""
    server = start_codec_server(codec_files, ui_port=free_port())
    try:
        yield server
    finally:
        server.proc.terminate()
