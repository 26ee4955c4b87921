"""Hosts on one machine: network namespaces joined by a bridge, each with an address of its own.

`Lab` creates a bridge and one namespace per host (a veth pair each), runs a private PostgreSQL
and a private Redis on the infrastructure host, and starts the project's processes (gunicorn,
celery worker, beat) on the other hosts, all with the addresses it made. `cut` and `mend` take a
host's link down and up. `close` stops every process and removes every namespace, link and folder
it created; nothing else on the machine is touched, and only the lab's own addresses are used.
"""

import contextlib
import ipaddress
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)
SECRET_KEY = "lab-" + "k" * 60


def lab_possible() -> str | None:
    """None when this machine can build the lab, else why not."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "needs iproute2 (ip)"
    if PG_BIN is None or shutil.which("redis-server") is None:
        return "needs PostgreSQL's server binaries and redis-server"
    probe = f"ccprobe{os.getpid()}"
    result = subprocess.run(["ip", "netns", "add", probe], capture_output=True)
    if result.returncode != 0:
        return f"cannot create a network namespace: {result.stderr.decode().strip()}"
    subprocess.run(["ip", "netns", "del", probe], check=False)
    return None


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _free_subnet() -> ipaddress.IPv4Network:
    routes = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True).stdout
    taken = [
        ipaddress.ip_network(word, strict=False)
        for line in routes.splitlines()
        for word in line.split()[:1]
        if "/" in word
    ]
    for _ in range(50):
        candidate = ipaddress.ip_network(
            f"10.{random.randint(160, 250)}.{random.randint(0, 255)}.0/24"  # noqa: S311
        )
        if not any(candidate.overlaps(network) for network in taken):
            return candidate
    raise RuntimeError("no free 10.x.y.0/24 for the lab")


@dataclass
class Host:
    name: str
    namespace: str
    outer_link: str
    address: str
    processes: list[subprocess.Popen] = field(default_factory=list)


class Lab:
    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:5]
        self.subnet = _free_subnet()
        addresses = list(self.subnet.hosts())
        self.gateway = str(addresses[0])
        self._next_address = iter(addresses[9:])
        self.bridge = f"ccbr{self.tag}"
        self.folder = Path(tempfile.mkdtemp(prefix="cc-lab-"))
        self.hosts: dict[str, Host] = {}
        self.database_url = ""
        self.broker_url = ""
        self.cache_url = ""

    # --- network ------------------------------------------------------------------------------
    def open(self) -> "Lab":
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.gateway}/{self.subnet.prefixlen}", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        return self

    def add_host(self, name: str) -> Host:
        index = len(self.hosts)
        namespace = f"cc{self.tag}-{name}"
        outer, inner = f"cc{self.tag}o{index}", f"cc{self.tag}i{index}"
        address = str(next(self._next_address))
        _run("ip", "netns", "add", namespace)
        _run("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
        _run("ip", "link", "set", inner, "netns", namespace)
        _run("ip", "link", "set", outer, "master", self.bridge)
        _run("ip", "link", "set", outer, "up")
        ns = ("ip", "netns", "exec", namespace)
        _run(*ns, "ip", "addr", "add", f"{address}/{self.subnet.prefixlen}", "dev", inner)
        _run(*ns, "ip", "link", "set", inner, "up")
        _run(*ns, "ip", "link", "set", "lo", "up")
        host = Host(name=name, namespace=namespace, outer_link=outer, address=address)
        self.hosts[name] = host
        return host

    def cut(self, name: str) -> None:
        _run("ip", "link", "set", self.hosts[name].outer_link, "down")

    def mend(self, name: str) -> None:
        _run("ip", "link", "set", self.hosts[name].outer_link, "up")

    # --- processes ----------------------------------------------------------------------------
    def spawn(self, host: Host, args: list[str], *, env: dict | None = None, user: str = "root",
              log: str) -> subprocess.Popen:  # fmt: skip
        command = ["ip", "netns", "exec", host.namespace]
        if user != "root":
            command += ["runuser", "-u", user, "--"]
        log_file = (self.folder / f"{log}.log").open("wb")
        process = subprocess.Popen(
            [*command, *args], env=env or os.environ.copy(), cwd=ROOT,
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        host.processes.append(process)
        return process

    def start_infrastructure(self, host: Host) -> None:
        """A private PostgreSQL and Redis on `host`'s address, for the lab alone."""
        data = self.folder / "pgdata"
        data.mkdir()
        shutil.chown(self.folder, "postgres")
        shutil.chown(data, "postgres")
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(data),
             "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.subnet} trust\n")
        self.spawn(
            host,
            [str(PG_BIN / "postgres"), "-D", str(data), "-c", f"listen_addresses={host.address}",
             "-c", "port=5432", "-c", "fsync=off", "-c", f"unix_socket_directories={data}",
             "-c", "max_connections=200"],
            user="postgres", log="postgres",
        )  # fmt: skip
        self.spawn(
            host,
            ["redis-server", "--bind", host.address, "--port", "6379", "--save", "",
             "--appendonly", "no", "--protected-mode", "no"],
            log="redis",
        )  # fmt: skip
        wait_for_port(host.address, 5432)
        wait_for_port(host.address, 6379)
        self.database_url = f"postgres://postgres@{host.address}:5432/postgres"
        self.broker_url = f"redis://{host.address}:6379/0"
        self.cache_url = f"redis://{host.address}:6379/1"

    def app_env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": ",".join(host.address for host in self.hosts.values()),
            "SHOP_BASE_URL": f"http://{next(iter(self.hosts.values())).address}",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CACHE_URL": self.cache_url,
            **extra,
        }

    def manage(self, *args: str, env: dict[str, str]) -> str:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    def start_web(self, host: Host, env: dict[str, str]) -> None:
        self.spawn(
            host,
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{host.address}:8000",
             "--workers", "2"],
            env=env, log=f"web-{host.name}",
        )  # fmt: skip
        wait_for_port(host.address, 8000)

    def start_worker(self, host: Host, env: dict[str, str]) -> None:
        self.spawn(
            host,
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             "--concurrency=2", "--hostname", f"{host.name}@{host.address}",
             "--without-mingle", "--without-gossip"],
            env=env, log=f"worker-{host.name}",
        )  # fmt: skip

    def start_beat(self, host: Host, env: dict[str, str]) -> None:
        self.spawn(
            host,
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
             "--schedule", str(self.folder / f"beat-{host.name}")],
            env=env, log=f"beat-{host.name}",
        )  # fmt: skip

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        for host in reversed(list(self.hosts.values())):
            for process in host.processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in host.processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            subprocess.run(["ip", "link", "del", host.outer_link], capture_output=True)
            subprocess.run(["ip", "netns", "del", host.namespace], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)
        # The processes' logs outlive the lab (var/ is not committed), for a failed run.
        kept = ROOT / "var" / "lab-logs"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for log in self.folder.glob("*.log"):
            shutil.copy(log, kept / log.name)
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_for_port(address: str, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on {address}:{port} within {timeout}s")
