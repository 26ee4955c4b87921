"""Services a test owns and may stop: a private `redis-server` on a free port, and the web app
served by gunicorn on the test database. Nothing shared is ever stopped or restarted."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.services import ROOT, process_stop, test_database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


class RedisServer:
    """`redis-server` with no persistence on a free port: stop it and start it again, and it
    comes back empty, as a restarted production Redis without persistence would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not port_answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        process_stop(self.process)
        while port_answers(self.port):
            time.sleep(0.05)


class WebProcess:
    """gunicorn serving config.wsgi on the test database, with the given environment."""

    def __init__(self, *, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path: Path = ROOT / "var" / f"web-{self.port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "WebProcess":
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            **self.env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--access-logfile", "-",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        process_stop(self.process)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    """(status, body bytes) of one request; an HTTP error status is an answer, not a failure."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
