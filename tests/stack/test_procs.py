"""Process management: free ports, readiness, SIGKILL and restart, dev server restarts."""

from __future__ import annotations

import dataclasses
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from stack import checks
from stack.commands import child_env, dev_server_command
from stack.pidfile import PidRecord, cmdline, is_ours, stop
from stack.ports import free_port, port_free
from stack.procs import ManagedProcess, NotReady


def http_server(port: int, log: Path) -> ManagedProcess:
    argv = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    return ManagedProcess("http", argv, log_file=log, env=child_env(), cwd=log.parent)


def test_free_port_is_bindable() -> None:
    ports = {free_port() for _ in range(5)}
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))
            sock.listen()
            assert not port_free(port)
        assert port_free(port)


def test_process_ready_killed_and_restarted(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with http_server(port, tmp_path / "http.log") as proc:
        proc.wait_ready(lambda: checks.http_ok(url), timeout=10)
        first = proc.pid
        proc.kill()
        assert not proc.alive
        assert proc.returncode == -signal.SIGKILL
        assert not checks.http_ok(url)
        proc.start().wait_ready(lambda: checks.http_ok(url), timeout=10)
        assert proc.pid != first
        proc.restart().wait_ready(lambda: checks.http_ok(url), timeout=10)
        assert proc.alive
    assert not proc.alive


def test_wait_ready_names_the_log_when_process_exits(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "print('boom'); raise SystemExit(3)"]
    proc = ManagedProcess("boom", argv, log_file=tmp_path / "boom.log", env=child_env())
    with pytest.raises(NotReady, match=r"exited with status 3; read .*boom\.log\n.*boom"):
        proc.start().wait_ready(lambda: False, timeout=10)


def test_log_readiness_ignores_earlier_runs(tmp_path: Path) -> None:
    log = tmp_path / "w.log"
    log.write_text("worker ready\n")
    proc = ManagedProcess("w", [sys.executable, "-c", "import time; time.sleep(30)"], log_file=log)
    with proc:
        assert not checks.log_contains(log, "worker ready", proc.log_offset)


def test_stop_by_pid_file_spares_a_different_command(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import time; time.sleep(30)"]
    with ManagedProcess("sleeper", argv, log_file=tmp_path / "s.log") as proc:
        assert proc.pid is not None
        # Right after fork the child still shows the parent's command line until it execs.
        deadline = time.monotonic() + 10
        while cmdline(proc.pid) != argv and time.monotonic() < deadline:
            time.sleep(0.01)
        other = PidRecord("sleeper", proc.pid, [*argv, "x"], str(proc.log_file), 0)
        assert not is_ours(other)
        assert not stop(other, timeout=1)
        assert proc.alive
        # Same argv but another start time: a recycled pid running the same command.
        recycled = PidRecord.of("sleeper", proc.pid, argv, proc.log_file, 0)
        assert recycled.start_ticks is not None
        assert not is_ours(dataclasses.replace(recycled, start_ticks=recycled.start_ticks - 1))
        assert stop(recycled, timeout=5)
        assert not is_ours(PidRecord("sleeper", proc.pid, argv, "", 0))


async def test_dev_server_restarts_on_same_db(tmp_path: Path) -> None:
    # Killed, not stopped, so the restart also proves the db survives a crash; the
    # --search-attribute flags are passed again and must not clash with the stored ones.
    port = free_port()
    address = f"127.0.0.1:{port}"
    argv = dev_server_command(port=port, ui_port=free_port(), db_file=tmp_path / "t.db")
    proc = ManagedProcess("temporal", argv, log_file=tmp_path / "temporal.log")
    with proc:
        await proc.wait_ready_async(lambda: checks.temporal_healthy(address), timeout=30)
        assert await server_version(address)
        proc.kill()
        proc.start()
        await proc.wait_ready_async(lambda: checks.temporal_healthy(address), timeout=30)
        assert await server_version(address)


async def server_version(address: str) -> str:
    client = await Client.connect(address)
    info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
    return info.server_version
