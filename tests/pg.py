"""A throwaway PostgreSQL cluster for the test session.

Uses `PINWHEEL_TEST_POSTGRES_URL` (an admin URL of a server you run) when set; otherwise finds
Debian's PostgreSQL binaries, runs initdb into a temporary directory (as the `postgres` user when
running as root, since PostgreSQL refuses to run as root) and starts a server on a free loopback
port. The server is stopped and its directory removed at the end of the session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb) found")
    return Path(candidates[0]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    admin_url: str  # postgresql+asyncpg://user@host:port/postgres
    data_dir: Path | None = None
    bin_dir: Path | None = None
    as_user: str | None = None

    def _cmd(self, *args: str) -> list[str]:
        if self.as_user:
            return ["runuser", "-u", self.as_user, "--", *args]
        return list(args)

    def stop(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            return
        subprocess.run(
            self._cmd(
                str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"
            ),
            capture_output=True,
            check=False,
        )
        # A suite leaves a database per PostgreSQL test behind (gigabytes of small files):
        # removing them took the session 13 s at its end. A process of its own removes them
        # while pytest exits; the directory's name is unique to this cluster.
        subprocess.Popen(
            ["rm", "-rf", "--", str(self.data_dir.parent)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def start_cluster(*, durable: bool = False) -> Cluster:
    """Start (or find) a server; `durable` keeps fsync on, as benchmarks need."""
    url = os.environ.get("PINWHEEL_TEST_POSTGRES_URL")
    if url:
        return Cluster(admin_url=url)
    bin_dir = _bin_dir()
    as_user = "postgres" if os.geteuid() == 0 else None
    if as_user and shutil.which("runuser") is None:
        raise PostgresUnavailable("running as root and `runuser` is missing")
    root = Path(tempfile.mkdtemp(prefix="pinwheel-pg-"))
    data = root / "data"
    if as_user:
        shutil.chown(root, user=as_user)
        os.chmod(root, 0o700)
    cluster = Cluster("", data, bin_dir, as_user)
    run = lambda *a: subprocess.run(cluster._cmd(*a), capture_output=True, text=True)  # noqa: E731
    init = run(
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()}")
    port = _free_port()
    # fsync off: tests kill processes, never the machine; benchmarks run with the defaults.
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    started = run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    if started.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip()} {log[-500:]}")
    cluster.admin_url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    return cluster
