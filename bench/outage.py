"""`python -m bench outage`: placing orders over HTTP while the worker dies and Redis restarts.

Starts everything itself on loopback: a scratch PostgreSQL database with the demo catalogue, a
`redis-server` of its own on a free port (broker and cache, no persistence), gunicorn with the
production settings, one Celery worker and beat on that Redis. Closed-loop clients place one-line
pay-in-store orders for `--duration` seconds. Meanwhile the worker is killed with SIGKILL and
started again, and Redis is stopped and started again empty (its queues lost), as an operator
would see on a bad day. Then it waits for the outbox to drain (beat's relay enqueues what the
broker lost) and checks:

- no answer was a 5xx (nor a dropped connection);
- every order answered 201 exists;
- every accepted order's confirmation was sent;
- no outbox row (message, payment call, courier call) is pending;
- the stock reconcile (`stock_drift_list`) finds no drift, and nothing is oversold.

The outbox runs on the production timings (the relay every minute, for rows pending a minute),
except that a dead sender's claim runs out after 30 s instead of 5 minutes; `--relay-seconds`
shortens the relay's period and grace for short runs. The timings used are in the JSON line.
Everything it started is stopped again, also on error or Ctrl-C. Prints a table and, last, one
JSON line; exits 1 when a check failed.
"""

import argparse
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import (
    django_setup,
    machine_load,
    percentile,
    print_result,
    print_table,
    progress,
    scratch_database,
)
from bench.http_orders import (
    PLENTY,
    Stack,
    _catalogue,
    _free_port,
    _order_body,
    _request,
    _stack_env,
    _wait_until_serving,
)
from bench.reserve import _consistency

# The production outbox timings, but for the lease of a sender that died: 30 s instead of 300,
# so that the rows the killed worker held go out within the drain. A faster relay than
# production's (every 60 s, 60 s grace; --relay-seconds) re-enqueues rows still waiting in the
# queue behind a long backlog: harmless, each row is claimed once, but a long drain slows down
# with the duplicates. A short run has no such backlog.
FAST_OUTBOX = {"OUTBOX_CLAIM_LEASE_SECONDS": "30"}


def _outbox_timings(options: argparse.Namespace) -> dict[str, str]:
    return {
        **FAST_OUTBOX,
        "OUTBOX_RELAY_EVERY_SECONDS": str(options.relay_seconds),
        "OUTBOX_RELAY_GRACE_SECONDS": str(options.relay_seconds),
        "COURIER_RELAY_GRACE_SECONDS": str(options.relay_seconds * 2),
    }


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench outage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of order placing")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop clients")
    parser.add_argument(
        "--kill-worker-at",
        type=float,
        default=0.3,
        help="when the worker is SIGKILLed, as a fraction of the duration",
    )
    parser.add_argument(
        "--worker-down-seconds", type=float, default=3.0, help="until it is started again"
    )
    parser.add_argument(
        "--restart-redis-at",
        type=float,
        default=0.55,
        help="when Redis is stopped, as a fraction of the duration",
    )
    parser.add_argument(
        "--redis-down-seconds", type=float, default=4.0, help="until it is started again (empty)"
    )
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, help="processes of the Celery worker"
    )
    parser.add_argument(
        "--drain-seconds", type=float, default=480.0, help="how long to wait for the outbox"
    )
    parser.add_argument(
        "--relay-seconds",
        type=int,
        default=60,
        help="how often beat's relay looks for messages the broker lost, and how long a row waits "
        "before a message counts as lost (a deployment's default: 60; a courier call waits twice "
        "as long)",
    )
    options = parser.parse_args(argv)
    if options.duration <= 0 or options.clients < 1 or options.relay_seconds < 1:
        parser.error("--duration, --clients and --relay-seconds must be positive")
    # What bench.http_orders' catalogue and stack read.
    options.catalogue, options.hot_units = "demo", PLENTY
    options.worker_class, options.threads = "sync", 1
    return options


# --- the stack -------------------------------------------------------------------------------


class OutageStack(Stack):
    """gunicorn, a Celery worker and beat on a redis-server this benchmark owns."""

    def __init__(self, options: argparse.Namespace, database_url: str, folder: Path) -> None:
        super().__init__(port=_free_port(), folder=folder)
        self.redis_port = _free_port()
        redis_url = f"redis://127.0.0.1:{self.redis_port}"
        options.broker_url = f"{redis_url}/0"
        self.env = {
            **_stack_env(options, database_url, folder),
            "CACHE_URL": f"{redis_url}/1",
            **_outbox_timings(options),
        }
        self.options = options
        self.events: list[tuple[float, str]] = []
        self.started_at = time.monotonic()

    def event(self, what: str) -> None:
        self.events.append((round(time.monotonic() - self.started_at, 1), what))
        progress(f"{self.events[-1][0]:6.1f}s  {what}")

    def start_redis(self) -> None:
        self.start(
            "redis",
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            self.env,
        )
        deadline = time.monotonic() + 10
        while not _port_answers(self.redis_port):
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{self.log('redis')}")
            time.sleep(0.05)

    def start_worker(self) -> None:
        self.start(
            "worker",
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                *("--concurrency", str(self.options.worker_concurrency)),
                *("--loglevel", "WARNING", "-n", f"outage-{uuid.uuid4().hex[:8]}@localhost"),
            ],
            self.env,
        )

    def start_all(self) -> None:
        self.start_redis()
        self.start(
            "web",
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("--bind", f"127.0.0.1:{self.port}"),
                *("--workers", str(self.options.web_workers)),
                *("--backlog", "2048", "--log-level", "warning"),
            ],
            self.env,
        )
        self.start_worker()
        self.start(
            "beat",
            [
                *(sys.executable, "-m", "celery", "-A", "config", "beat"),
                *("--loglevel", "WARNING", "--schedule", str(self.folder / "beat-schedule")),
            ],
            self.env,
        )
        _wait_until_serving(self)

    def kill(self, name: str, sig: int) -> None:
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait()


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


# --- clients ---------------------------------------------------------------------------------


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(
    port: int, pairs: list[tuple[str, str]], number: int, stop: threading.Event, tally: Tally
) -> None:
    chance = random.Random(number)
    sent = 0
    while not stop.is_set():
        sent += 1
        store, sku = chance.choice(pairs)
        label = f"outage-{number}-{sent}"
        started = time.perf_counter()
        try:
            status, answer = _request(
                port,
                "POST",
                "/api/v1/orders/",
                _order_body(store, sku, f"{label}@bench.example"),
                {"Content-Type": "application/json", "Idempotency-Key": label},
            )
        except OSError as error:
            status, answer = 0, str(error).encode()
        elapsed = (time.perf_counter() - started) * 1000
        with tally.lock:
            tally.statuses[status] += 1
            tally.latencies_ms.append(elapsed)
            if status == 201:
                tally.accepted.append(json.loads(answer)["number"])
            elif len(tally.samples) < 5:
                tally.samples.append(f"{status}: {answer[:200]!r}")


def _load(stack: OutageStack, options: argparse.Namespace, pairs) -> Tally:
    """Clients for the duration, with the worker killed and Redis restarted on the way."""
    tally = Tally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=_client, args=(stack.port, pairs, number, stop, tally))
        for number in range(options.clients)
    ]
    begin = time.monotonic()
    stack.event(f"{options.clients} clients start placing orders")
    for thread in threads:
        thread.start()
    try:
        schedule = sorted(
            [
                (options.kill_worker_at * options.duration, "kill_worker"),
                (
                    options.kill_worker_at * options.duration + options.worker_down_seconds,
                    "start_worker",
                ),
                (options.restart_redis_at * options.duration, "stop_redis"),
                (
                    options.restart_redis_at * options.duration + options.redis_down_seconds,
                    "start_redis",
                ),
            ]
        )
        for at, step in schedule:
            time.sleep(max(0.0, begin + at - time.monotonic()))
            if step == "kill_worker":
                stack.kill("worker", signal.SIGKILL)
                stack.event("worker killed (SIGKILL)")
            elif step == "start_worker":
                stack.start_worker()
                stack.event("worker started again")
            elif step == "stop_redis":
                stack.kill("redis", signal.SIGKILL)
                stack.event("redis-server killed: queues and cache gone")
            else:
                stack.start_redis()
                stack.event("redis-server started again, empty")
        time.sleep(max(0.0, begin + options.duration - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    stack.event(f"clients stopped after {sum(tally.statuses.values())} requests")
    return tally


# --- the checks ------------------------------------------------------------------------------


def _confirmations(numbers: list[str]) -> Counter:
    from messaging.models import Notification

    return Counter(
        Notification.objects.filter(template="confirmation", order__number__in=numbers)
        .values_list("status", flat=True)
        .order_by()
    )


def _drain(stack: OutageStack, numbers: list[str], seconds: float) -> dict:
    """Waits until every outbox row is sent and every accepted order's confirmation with it."""
    from outbox.selectors import outbox_pending_counts

    deadline = time.monotonic() + seconds
    shown = 0.0
    while True:
        stack.check_alive()
        pending = outbox_pending_counts()
        confirmations = _confirmations(numbers)
        done = not any(pending.values()) and confirmations.get("sent", 0) == len(numbers)
        if done or time.monotonic() > deadline:
            return {"pending": pending, "confirmations": confirmations}
        if time.monotonic() - shown >= 10:
            shown = time.monotonic()
            waiting = {label: count for label, count in pending.items() if count}
            progress(f"draining: confirmations {dict(confirmations)}, pending {waiting}")
        time.sleep(1)


def _opening_balance() -> None:
    """The catalogue's stock was set in bulk: one adjustment per stock row books it in the
    ledger, so that the reconcile afterwards judges only what the run did."""
    from django.db import connection

    from inventory.models import StockLevel, StockMovement

    movements, levels = StockMovement._meta.db_table, StockLevel._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {movements} (stock_level_id, kind, on_hand_delta, reserved_delta,
                reference, reason, actor_id, created_at)
            SELECT level.id, %s, level.on_hand - COALESCE(ledger.on_hand, 0),
                level.reserved - COALESCE(ledger.reserved, 0), '', 'bench opening stock', NULL,
                now()
            FROM {levels} AS level
            LEFT JOIN (
                SELECT stock_level_id, SUM(on_hand_delta) AS on_hand,
                    SUM(reserved_delta) AS reserved
                FROM {movements} GROUP BY stock_level_id
            ) AS ledger ON ledger.stock_level_id = level.id
            WHERE level.on_hand <> COALESCE(ledger.on_hand, 0)
                OR level.reserved <> COALESCE(ledger.reserved, 0)
            """,
            [StockMovement.Kind.ADJUSTMENT],
        )


def _run(options: argparse.Namespace, database_url: str, folder: Path) -> dict:
    from inventory.services import stock_drift_list
    from orders.models import Order

    catalogue = _catalogue(options)
    _opening_balance()
    drift_before = len(stock_drift_list())
    if drift_before:
        raise RuntimeError(f"{drift_before} stock rows drift before the run")
    pairs = [catalogue.hot, *catalogue.pairs]
    loads = [os.getloadavg()[0]]
    stack = OutageStack(options, database_url, folder)
    try:
        stack.start_all()
        stack.event(
            f"gunicorn on 127.0.0.1:{stack.port}, worker and beat on redis :{stack.redis_port}"
        )
        tally = _load(stack, options, pairs)
        loads.append(os.getloadavg()[0])
        drain_started = time.monotonic()
        drained = _drain(stack, tally.accepted, options.drain_seconds)
        drain_seconds = round(time.monotonic() - drain_started, 1)
        drained_all = not any(drained["pending"].values())
        stack.event(f"outbox {'drained' if drained_all else 'NOT drained'} after {drain_seconds}s")
    finally:
        stack.stop()
    loads.append(os.getloadavg()[0])

    accepted = tally.accepted
    existing = Order.objects.filter(number__in=accepted).count()
    drift = stock_drift_list()
    checks = _consistency()
    server_errors = sum(count for status, count in tally.statuses.items() if status >= 500)
    dropped = tally.statuses.get(0, 0)
    sent = drained["confirmations"].get("sent", 0)
    pending_rows = sum(drained["pending"].values())
    latencies = sorted(tally.latencies_ms)
    passed = {
        "no_5xx": server_errors == 0 and dropped == 0,
        "every_accepted_order_exists": existing == len(accepted),
        "every_confirmation_sent": sent == len(accepted),
        "no_outbox_row_pending": pending_rows == 0,
        "no_stock_drift": not drift and checks["oversold"] == 0 and checks["ledger_drift"] == 0,
    }
    print_table(
        "outage: orders over HTTP while the worker is killed and Redis restarted",
        ["what", "figure", "ok"],
        [
            ["requests", sum(tally.statuses.values()), ""],
            ["answers by status", dict(sorted(tally.statuses.items())), ""],
            ["5xx + dropped connections", server_errors + dropped, passed["no_5xx"]],
            ["orders accepted (201)", len(accepted), ""],
            ["accepted orders found", existing, passed["every_accepted_order_exists"]],
            ["confirmations sent", sent, passed["every_confirmation_sent"]],
            ["outbox rows pending", pending_rows, passed["no_outbox_row_pending"]],
            ["stock rows drifting", len(drift) + checks["oversold"], passed["no_stock_drift"]],
            ["orders/s", round(len(accepted) / options.duration, 1), ""],
            ["p50 / p99 / max ms", _latency_text(latencies), ""],
            ["drain after the load, s", drain_seconds, ""],
        ],
    )
    print_table("what happened when", ["s", "event"], stack.events)
    return {
        "benchmark": "outage",
        "duration_s": options.duration,
        "clients": options.clients,
        "requests": sum(tally.statuses.values()),
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items())},
        "server_errors": server_errors,
        "dropped_connections": dropped,
        "accepted": len(accepted),
        "accepted_found": existing,
        "confirmations_sent": sent,
        "confirmations": dict(drained["confirmations"]),
        "outbox_pending": drained["pending"],
        "stock_drift": len(drift),
        "oversold": checks["oversold"],
        "ledger_drift": checks["ledger_drift"],
        "orders_per_s": round(len(accepted) / options.duration, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "drain_s": drain_seconds,
        "error_samples": tally.samples,
        "events": [{"at_s": at, "event": what} for at, what in stack.events],
        "outbox_timings": {key: float(value) for key, value in _outbox_timings(options).items()},
        "load_average_1m_during": [round(value, 2) for value in loads],
        **machine_load(),
        "passed": passed,
        "ok": all(passed.values()),
    }


def _latency_text(latencies: list[float]) -> str:
    if not latencies:
        return "-"
    return " / ".join(
        f"{value:.0f}"
        for value in (percentile(latencies, 0.5), percentile(latencies, 0.99), latencies[-1])
    )


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    # This process seeds the catalogue before the benchmark's Redis runs: what it enqueues goes
    # nowhere (the relay sends it later), never to a Redis of someone else's.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    with (
        scratch_database("outage") as database_url,
        tempfile.TemporaryDirectory(prefix="bench-outage-") as folder,
    ):
        django_setup(database_url)
        result = _run(options, database_url, Path(folder))
    print_result(result)
    return 0 if result["ok"] else 1
