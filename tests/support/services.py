"""Which real services this test run can reach, and how to start a real Celery worker on them."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_is_postgres() -> bool:
    return connection.vendor == "postgresql"


def broker_is_real() -> bool:
    """Redis or RabbitMQ: a broker that a worker process and the tests share over the network."""
    return settings.CELERY_BROKER_URL.startswith(
        ("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")
    )


def broker_answers() -> bool:
    if not broker_is_real():
        return False
    from config.celery import app

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=1)
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    return True


def test_database_url() -> str:
    """The URL of the database this test run created, for processes started by the tests."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def process_stop(process: subprocess.Popen | None, *, timeout: float = 15) -> None:
    """SIGTERM, and SIGKILL when it has not exited within `timeout` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WorkerProcess:
    """A `celery worker` child process on the test database and the test broker."""

    running: set["WorkerProcess"] = set()

    def __init__(
        self,
        *,
        extra_env: dict[str, str] | None = None,
        queues: str | None = None,
        broker_url: str | None = None,
    ) -> None:
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.extra_env = extra_env or {}
        # A broker of the test's own (a private Redis it stops and starts); None: the test run's.
        self.broker_url = broker_url
        # Comma-separated queue names, as `-Q` takes them; None consumes every declared queue.
        self.queues = queues
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / f"worker-{self.name.split('@')[0]}.log"

    def start(self, timeout: float = 30.0) -> "WorkerProcess":
        from config.celery import app

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": self.broker_url or settings.CELERY_BROKER_URL,
            **self.extra_env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
                "--hostname", self.name, "--include", "tests.support.worker_tasks",
                *(["--queues", self.queues] if self.queues else []),
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            if self._ping(app):
                WorkerProcess.running.add(self)
                return self
        self.stop()
        raise RuntimeError(f"worker did not answer a ping within {timeout}s; see {self.log_path}")

    def _ping(self, app) -> bool:
        if self.broker_url is None:
            return bool(app.control.ping(destination=[self.name], timeout=0.5))
        # On a broker of its own the worker cannot be pinged from here (this process's control
        # publishes through its pooled connection to the test run's broker): its log says it.
        time.sleep(0.2)
        return f"{self.name} ready." in self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        WorkerProcess.running.discard(self)
        process_stop(self.process)

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task without acknowledging anything."""
        WorkerProcess.running.discard(self)
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_until(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    """Polls `predicate` until it returns something truthy; returns that value or fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def bench_run(name: str, *arguments: str) -> subprocess.CompletedProcess:
    """`python -m bench NAME ARGUMENTS…` on the test database's server and the test broker."""
    return subprocess.run(
        [sys.executable, "-m", "bench", name, *arguments],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def bench_scratch_database_dropped(stderr: str) -> bool:
    """Whether the scratch database the benchmark named on stderr is gone again."""
    import psycopg

    (scratch,) = re.findall(r"created scratch database (\w+)", stderr)
    with psycopg.connect(test_database_url(), autocommit=True) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        return left.fetchone() is None
