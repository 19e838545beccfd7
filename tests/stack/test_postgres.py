"""The throwaway PostgreSQL cluster: reachable, password kept out of what is shown, restartable."""

from __future__ import annotations

from pathlib import Path

import psycopg

from stack.postgres import PostgresCluster


def test_cluster_starts_restarts_on_the_same_url_and_is_removed(tmp_path: Path) -> None:
    cluster = PostgresCluster(tmp_path / "pg")
    cluster.start()
    try:
        url = cluster.url()
        password = (tmp_path / "pg" / "password").read_text().strip()
        assert password not in cluster.display_url() and "***" in cluster.display_url()
        assert (tmp_path / "pg" / "password").stat().st_mode & 0o077 == 0
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("payments",)
        cluster.stop()
        assert not cluster.running()
        cluster.start()
        assert cluster.url() == url
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        data = Path(cluster.info.data_dir) if cluster.info else None
        cluster.remove()
    assert not cluster.running() and data is not None and not data.exists()


def test_wrong_password_is_refused(tmp_path: Path) -> None:
    cluster = PostgresCluster(tmp_path / "pg")
    cluster.start()
    try:
        wrong = cluster.url().replace(cluster.url().split(":")[2].split("@")[0], "not-it")
        try:
            psycopg.connect(wrong, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            assert "password authentication failed" in str(exc)
        else:
            raise AssertionError("a wrong password connected")
    finally:
        cluster.remove()
