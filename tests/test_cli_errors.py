"""``starter.py``'s expected failures: one line on stderr, a documented exit status, no traceback.

Nothing here needs a running stack: Temporal and the API are pointed at closed ports, and a
plain HTTP server stands in for "something that is not the payments API".
"""

from __future__ import annotations

import argparse
import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.errors import Exit
from cli.main import build_parser
from cli.operator import COMMANDS
from infra.keyring import ensure_keyring
from stack.commands import REPO_ROOT, child_env
from stack.ports import free_port

# reST roles and literals that Sphinx would render but argparse prints as they are.
REST = re.compile(r"``|:(func|class|meth|mod|attr|data|ref|exc):`")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    path = tmp_path / "run"
    ensure_keyring(path / "codec-keys.json")
    ensure_keyring(path / "vault-key.json")
    (path / "api-keys.json").write_text(json.dumps({"merchant_a": "sk_test_not_a_real_key"}))
    return path


def starter(run_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """starter.py with Temporal on a closed port."""
    env = child_env(
        {
            "PAYMENTS_RUN_DIR": str(run_dir),
            "PAYMENTS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
            "PAYMENTS_PROCESSOR_URL": f"http://127.0.0.1:{free_port()}",
        }
    )
    argv = [sys.executable, str(REPO_ROOT / "starter.py"), *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


def assert_one_line(done: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_operator_commands_refuse_api_mode(run_dir: Path, command: str) -> None:
    args = ["pay_x"] if command == "story" else []
    done = starter(run_dir, "--api", f"http://127.0.0.1:{free_port()}", command, *args)
    assert_one_line(done, Exit.NEEDS_TEMPORAL, "cannot run with --api")


@pytest.mark.parametrize(
    "args",
    [["list"], ["status", "pay_x"], ["cancel", "pay_x"], ["problems"], ["report"],
     ["reconcile"], ["story", "pay_x"]],
)  # fmt: skip
def test_temporal_unreachable(run_dir: Path, args: list[str]) -> None:
    assert_one_line(starter(run_dir, *args), Exit.UNAVAILABLE, "Temporal unreachable at")


def test_missing_keyring(tmp_path: Path) -> None:
    done = starter(tmp_path / "empty", "list")
    assert_one_line(done, Exit.REFUSED, "no key file at")


def test_pay_with_processor_unreachable(run_dir: Path) -> None:
    done = starter(run_dir, "pay", "--amount", "100")
    assert_one_line(done, Exit.UNAVAILABLE, "processor unavailable")


def test_api_unreachable(run_dir: Path) -> None:
    done = starter(run_dir, "--api", f"http://127.0.0.1:{free_port()}", "list")
    assert_one_line(done, Exit.UNAVAILABLE, "API unreachable at")


def test_api_key_missing_for_merchant(run_dir: Path) -> None:
    done = starter(run_dir, "--api", "http://127.0.0.1:1", "--merchant", "nobody", "list")
    assert_one_line(done, Exit.REFUSED, "no API key for nobody")


@pytest.mark.parametrize("url", ["http://[::1", "127.0.0.1:8000", "ftp://x"])
def test_bad_api_url_is_a_usage_error(run_dir: Path, url: str) -> None:
    assert_one_line(starter(run_dir, "--api", url, "list"), Exit.USAGE, "argument --api")


@pytest.fixture
def not_the_api() -> Iterator[str]:
    """An HTTP server that answers 404 pages (as a wrong port or a proxy would)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("args", [["list"], ["status", "pay_x"], ["cancel", "pay_x"]])
def test_an_answer_that_is_not_the_api(run_dir: Path, not_the_api: str, args: list[str]) -> None:
    done = starter(run_dir, "--api", not_the_api, *args)
    assert "Traceback" not in done.stderr and done.returncode != Exit.OK
    assert "without a payments API object" in done.stderr


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_help_has_no_rest_markup_and_lists_exit_statuses() -> None:
    parsers = list(_parsers(build_parser()))
    assert len(parsers) > 10
    for parser in parsers:
        assert not REST.search(parser.format_help()), parser.prog
    top = parsers[0].format_help()
    assert all(f"  {int(code)}  " in top for code in Exit)


def test_api_list_limit_is_one_page(run_dir: Path) -> None:
    done = starter(run_dir, "--api", "http://127.0.0.1:1", "list", "--limit", "101")
    assert_one_line(done, Exit.REFUSED, "--limit is at most 100")


def test_list_status_takes_the_api_vocabulary() -> None:
    args = build_parser().parse_args(["list", "--status", "requires_capture"])
    assert args.status == "requires_capture"
