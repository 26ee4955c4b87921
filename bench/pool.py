"""`python -m bench pool`: database connections and latency of N gunicorn processes, per way of
connecting — a new connection per request (CONN_MAX_AGE=0), kept connections (CONN_MAX_AGE=60),
and Django's psycopg pool (DATABASE_POOL_MAX_SIZE) — for sync workers and threaded workers.

Starts real gunicorn processes on a free port against a scratch database with a small catalogue,
drives them with concurrent clients asking a product's availability (four queries a request),
and samples pg_stat_activity for the connections the processes hold. Multiply the peak per
process by processes × hosts to compare with the server's max_connections (docs/deployment.md).
"""

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from bench.harness import (
    django_setup,
    load_catalogue,
    machine_load,
    percentile,
    print_result,
    print_table,
    progress,
    scratch_database,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.05

# name, gunicorn threads per process, the environment that chooses the connection handling
CASES = (
    ("new connection per request", 1, {"CONN_MAX_AGE": "0"}),
    ("kept connection", 1, {"CONN_MAX_AGE": "60"}),
    ("pool max 1", 1, {"DATABASE_POOL_MAX_SIZE": "1"}),
    ("threads: new connection per request", 4, {"CONN_MAX_AGE": "0"}),
    ("threads: kept connection", 4, {"CONN_MAX_AGE": "60"}),
    ("threads: pool max 2", 4, {"DATABASE_POOL_MAX_SIZE": "2"}),
)


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench pool", description=__doc__)
    parser.add_argument("--processes", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--requests", type=int, default=600, help="timed requests per case")
    parser.add_argument("--clients", type=int, default=12, help="concurrent clients")
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--products", type=int, default=200)
    return parser.parse_args(argv)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _maintenance_url(database_url: str) -> str:
    return urlunsplit(urlsplit(database_url)._replace(path="/postgres"))


class _ConnectionSampler(threading.Thread):
    """Counts the server's connections to the scratch database, from outside it."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.database = urlsplit(database_url).path.lstrip("/")
        self.connection = psycopg.connect(_maintenance_url(database_url), autocommit=True)
        self.peak = 0
        self.stop = threading.Event()

    def count(self) -> int:
        return self.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
        ).fetchone()[0]

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, self.count())
            time.sleep(SAMPLE_SECONDS)


def _start_gunicorn(
    database_url: str, *, port: int, processes: int, threads: int, extra: dict[str, str]
) -> subprocess.Popen:
    kept = {"CONN_MAX_AGE", "DATABASE_POOL_MAX_SIZE", "DATABASE_REPLICA_URL"}
    environment = {key: value for key, value in os.environ.items() if key not in kept}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "BENCH_SERVER_SIDE_BINDING": "0",
            # The clients are the benchmark, not abuse.
            "API_THROTTLE_ANON": "1000000/min",
            "API_THROTTLE_CATALOGUE": "1000000/min",
            # No collected static files in a scratch run; whitenoise would say so per process.
            "PYTHONWARNINGS": "ignore::UserWarning",
            **extra,
        }
    )
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(processes), "--threads", str(threads), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def _wait_until_serving(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"gunicorn did not answer {url}")


def _drive(base_url: str, skus: list[str], *, requests: int, clients: int) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()
    per_client = requests // clients

    def client(offset: int) -> None:
        own = []
        with httpx.Client(base_url=base_url, timeout=30) as http:
            for index in range(per_client):
                sku = skus[(offset * per_client + index) % len(skus)]
                started = time.perf_counter()
                response = http.get(f"/api/v1/products/{sku}/availability/")
                own.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        with lock:
            timings.extend(own)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(timings)


def _case(database_url: str, skus: list[str], options: argparse.Namespace, case: tuple) -> dict:
    name, threads, extra = case
    port = _free_port()
    server = _start_gunicorn(
        database_url, port=port, processes=options.processes, threads=threads, extra=extra
    )
    base_url = f"http://127.0.0.1:{port}"
    sampler = _ConnectionSampler(database_url)
    try:
        _wait_until_serving(f"{base_url}/api/v1/products/{skus[0]}/availability/")
        # Every process serves a few requests first, so each has connected (or pooled) once.
        _drive(base_url, skus, requests=options.processes * 20, clients=options.clients)
        sampler.start()
        started = time.monotonic()
        timings = _drive(base_url, skus, requests=options.requests, clients=options.clients)
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
        held_idle = sampler.count()
    finally:
        server.terminate()
        server.wait(timeout=30)
        sampler.connection.close()
    progress(f"  {name}: p95 {percentile(timings, 0.95):.1f} ms, peak {sampler.peak} connections")
    return {
        "case": name,
        "threads": threads,
        "settings": extra,
        "requests": len(timings),
        "requests_per_second": round(len(timings) / elapsed, 1),
        "p50_ms": round(percentile(timings, 0.50), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "peak_connections": sampler.peak,
        "connections_when_idle": held_idle,
        "peak_connections_per_process": round(sampler.peak / options.processes, 2),
    }


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("pool") as database_url:
        django_setup(database_url)
        load_catalogue(
            stores=options.stores,
            products=options.products,
            on_hand_sql="mod(s.id * 7 + p.id * 13, 25)",
        )
        from django.db import connections

        from inventory.models import Product

        skus = list(Product.objects.order_by("sku").values_list("sku", flat=True))
        connections.close_all()
        results = [_case(database_url, skus, options, case) for case in CASES]
    print_table(
        f"{options.processes} gunicorn processes, {options.clients} clients, "
        f"{options.requests} availability requests per case",
        ["case", "req/s", "p50 ms", "p95 ms", "peak conns", "idle conns"],
        [
            [
                row["case"],
                row["requests_per_second"],
                row["p50_ms"],
                row["p95_ms"],
                row["peak_connections"],
                row["connections_when_idle"],
            ]
            for row in results
        ],
    )
    print_result(
        {
            "benchmark": "pool",
            "processes": options.processes,
            "clients": options.clients,
            "cases": results,
            **machine_load(),
        }
    )
    return 0
