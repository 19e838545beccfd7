"""A throwaway PostgreSQL cluster on a free port: for tests, the bench and ``DB=postgres make up``.

Made with Debian's ``initdb``/``pg_ctl`` (installed with ``apt-get install postgresql`` when
missing and allowed), never the system service. PostgreSQL refuses to run as root, so under
root the cluster runs as the ``postgres`` user in a folder of its own under the system's temp
folder (a run folder under ``/tmp/pytest-of-root`` is closed to other users); ``cluster.json``
in the caller's folder says where it is, so ``stop`` finds it again.

The database user ``payments`` has a random password (scram-sha-256), kept in a 0600 file;
the server listens on 127.0.0.1 only and has no Unix socket.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from stack.ports import free_port, port_free

_USER = "payments"
_OS_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed and may not be installed here."""


def server_bin(*, install: bool = False) -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest Debian version, else PATH).

    Args:
        install: Install Debian's ``postgresql`` package with apt-get if it is missing.

    Raises:
        PostgresUnavailable: Not installed (and ``install`` is False or apt-get failed).
    """
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    if install and shutil.which("apt-get"):
        print("PostgreSQL is not installed: installing Debian's postgresql package (apt-get)")
        done = subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=False)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=False)
        return server_bin(install=False)
    raise PostgresUnavailable(
        "PostgreSQL is not installed: run `apt-get install postgresql` (Debian) or put"
        " initdb and pg_ctl on PATH"
    )


def _version(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in path.parent.parent.name.split("."))
    except ValueError:
        return (0,)


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """Where a cluster lives and how to reach it (``cluster.json``; the password is separate)."""

    data_dir: str
    port: int
    bin_dir: str
    os_user: str | None
    log_file: str


class PostgresCluster:
    """One throwaway cluster, recorded in ``<folder>/cluster.json``."""

    def __init__(self, folder: Path) -> None:
        """Describe the cluster of ``folder`` (made by ``start`` if it does not exist yet)."""
        self.folder = folder
        self._record = folder / "cluster.json"
        self._password_file = folder / "password"

    @property
    def info(self) -> ClusterInfo | None:
        """The recorded cluster, or None before the first ``start``."""
        if not self._record.exists():
            return None
        return ClusterInfo(**json.loads(self._record.read_text()))

    def url(self) -> str:
        """The full ``postgresql://`` URL, password included: pass it on, never print it."""
        info = self._require()
        password = self._password_file.read_text().strip()
        return f"postgresql://{_USER}:{password}@127.0.0.1:{info.port}/{_USER}"

    def display_url(self) -> str:
        """The URL with its password masked, for people and logs."""
        return f"postgresql://{_USER}:***@127.0.0.1:{self._require().port}/{_USER}"

    def start(self, *, install: bool = False) -> None:
        """Create the cluster on first use, then start it (on its old port while that is free,
        so a restart keeps the URL)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        info = self.info or self._create(server_bin(install=install))
        if self.running():
            return
        port = info.port if info.port and port_free(info.port) else free_port()
        info = ClusterInfo(**{**asdict(info), "port": port})
        self._record.write_text(json.dumps(asdict(info)) + "\n")
        options = f"-c listen_addresses=127.0.0.1 -p {info.port} -c unix_socket_directories=''"
        self._pg_ctl(info, "start", "-w", "-t", "60", "-l", info.log_file, "-o", options)

    def running(self) -> bool:
        """Whether the recorded cluster's server runs."""
        info = self.info
        if info is None:
            return False
        return self._pg_ctl(info, "status", check=False).returncode == 0

    def stop(self, *, mode: str = "fast") -> None:
        """Stop the server if it runs (``mode``: smart, fast or immediate)."""
        info = self.info
        if info is not None and self.running():
            self._pg_ctl(info, "stop", "-w", "-t", "60", "-m", mode)

    def remove(self) -> None:
        """Stop the server and delete its data."""
        info = self.info
        self.stop(mode="immediate")
        if info is not None:
            shutil.rmtree(Path(info.data_dir).parent, ignore_errors=True)
        self._record.unlink(missing_ok=True)

    def _create(self, bin_dir: Path) -> ClusterInfo:
        as_root = os.geteuid() == 0
        home = Path(tempfile.mkdtemp(prefix="payments-pg-")) if as_root else self.folder
        data_dir, log_file = home / "data", home / "postgres.log"
        password = secrets.token_urlsafe(24)
        self._password_file.write_text(password + "\n")
        self._password_file.chmod(0o600)
        pwfile = home / "pwfile"
        pwfile.write_text(password + "\n")
        if as_root:
            entry = pwd.getpwnam(_OS_USER)
            for path in (home, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        info = ClusterInfo(str(data_dir), 0, str(bin_dir), _OS_USER if as_root else None,
                           str(log_file))  # fmt: skip
        try:
            self._run(info, str(bin_dir / "initdb"), "-D", str(data_dir), "-U", _USER,
                      "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-locale",
                      "--no-sync")  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        self._record.write_text(json.dumps(asdict(info)) + "\n")
        self._first_database(info)
        return info

    def _first_database(self, info: ClusterInfo) -> None:
        # initdb made the payments superuser; give it a database of its own name.
        single = [str(Path(info.bin_dir) / "postgres"), "--single", "-D", info.data_dir, "postgres"]
        runner = ["runuser", "-u", info.os_user, "--", *single] if info.os_user else single
        subprocess.run(runner, input=f"CREATE DATABASE {_USER} OWNER {_USER};\n", text=True,
                       check=True, capture_output=True)  # fmt: skip

    def _pg_ctl(
        self, info: ClusterInfo, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self._run(info, str(Path(info.bin_dir) / "pg_ctl"), "-D", info.data_dir, *args,
                         check=check)  # fmt: skip

    def _run(
        self, info: ClusterInfo, *argv: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        full = ["runuser", "-u", info.os_user, "--", *argv] if info.os_user else list(argv)
        done = subprocess.run(full, capture_output=True, text=True, check=False, cwd="/")
        if check and done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-500:]}")
        return done

    def _require(self) -> ClusterInfo:
        info = self.info
        if info is None:
            raise RuntimeError(f"no PostgreSQL cluster in {self.folder}")
        return info
