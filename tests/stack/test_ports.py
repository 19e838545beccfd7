"""Port reservations: parallel workers and the stacks they start never get the same port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stack import ports


@pytest.fixture
def two_ports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> range:
    """A pool of two free server ports and a private reservation folder."""
    base = ports.free_port_run(2)
    monkeypatch.setattr(ports, "_RESERVATIONS", tmp_path / "reservations")
    monkeypatch.setattr(ports, "_below_ephemeral", lambda: True)
    monkeypatch.setattr(ports, "_SERVER_PORTS", range(base, base + 2))
    return range(base, base + 2)


def test_no_port_is_handed_out_twice_while_reserved(two_ports: range) -> None:
    picked = {ports.free_port(), ports.free_port()}
    assert picked == set(two_ports)
    # The pool is used up: the next pick is one the OS chooses, never a reserved one.
    assert ports.free_port() not in two_ports


def test_another_process_does_not_get_a_reserved_port(two_ports: range) -> None:
    mine = ports.free_port()
    script = (
        "import sys; from pathlib import Path; from stack import ports; "
        "ports._RESERVATIONS = Path(sys.argv[1]); ports._below_ephemeral = lambda: True; "
        "ports._SERVER_PORTS = range(int(sys.argv[2]), int(sys.argv[3])); "
        "print(ports.free_port())"
    )
    argv = [sys.executable, "-c", script, str(ports._RESERVATIONS)]
    argv += [str(two_ports.start), str(two_ports.stop)]
    theirs = int(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
    assert theirs in two_ports and theirs != mine


def test_a_stale_reservation_is_taken_over(two_ports: range) -> None:
    for port in two_ports:
        ports._RESERVATIONS.mkdir(exist_ok=True)
        stale = ports._RESERVATIONS / str(port)
        stale.touch()
        old = stale.stat().st_mtime - ports._RESERVATION_SECONDS - 1
        os.utime(stale, (old, old))
    assert ports.free_port() in two_ports
