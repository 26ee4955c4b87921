"""A PostgreSQL primary and a streaming replica of it, private to one test: each in a temporary
folder, on a free port of 127.0.0.1, with its socket in that folder, stopped and removed
afterwards. The shared server is never touched (it need not allow replication connections).

Built with the server's own tools: initdb, pg_ctl start with wal_level=replica, pg_basebackup -R
for the standby, pg_ctl stop. PostgreSQL refuses to run as root, so as root they run as `postgres`.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SUPERUSER = "postgres"


def _bin_folder() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name)
    )
    if not found:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1])


def server_binaries_present() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port

    def url(self, database: str) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True)


class PrimaryWithReplica:
    """`with PrimaryWithReplica() as cluster:` — cluster.primary and cluster.replica."""

    def __init__(self) -> None:
        self.bin = _bin_folder()
        self.root = Path(tempfile.mkdtemp(prefix="pg-replica-test-"))
        self.primary = Server(self.root / "primary", free_port())
        self.replica = Server(self.root / "replica", free_port())
        self._started: list[Server] = []

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def _start(self, server: Server) -> None:
        options = (
            f"-p {server.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c wal_level=replica -c max_wal_senders=4 -c max_connections=50 -c fsync=off"
        )
        self._run(
            "pg_ctl", "start", "-w", "-t", "120", "-D", str(server.folder),
            "-l", str(self.root / f"{server.folder.name}.log"), "-o", options,
        )  # fmt: skip
        self._started.append(server)

    def __enter__(self) -> "PrimaryWithReplica":
        if os.geteuid() == 0:
            shutil.chown(self.root, SUPERUSER, SUPERUSER)
        try:
            self._run(
                "initdb", "-D", str(self.primary.folder), "-U", SUPERUSER, "--auth=trust",
                "--no-sync",
            )  # fmt: skip
            self._start(self.primary)
            self._run(
                "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port),
                "-U", SUPERUSER, "-D", str(self.replica.folder), "-R", "-X", "stream",
                "--no-sync",
            )  # fmt: skip
            self._start(self.replica)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def stop(self, server: Server) -> None:
        self._run("pg_ctl", "stop", "-D", str(server.folder), "-m", "immediate")
        self._started.remove(server)

    def __exit__(self, *exc) -> None:
        for server in reversed(self._started):
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "stop", "-D", str(server.folder), "-m", "immediate")
        self._started.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_for_replica(self, timeout: float = 60.0) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with self.primary.connect() as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.replica.connect() as replica:
            while True:
                caught_up = replica.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
                ).fetchone()[0]
                if caught_up:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError("the replica did not catch up")
                time.sleep(0.1)
