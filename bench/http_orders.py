"""`python -m bench http_orders`: placing orders over HTTP against the real stack (SPEC §6).

Starts everything itself on loopback: a scratch PostgreSQL database with the demo catalogue,
gunicorn with the production settings (rate limits raised for the load, the client says it came
over HTTPS as the load balancer would), and one Celery worker on Redis that renders and sends the
confirmations (e-mail to files). Closed-loop clients, each waiting for its answer before the
next order, place one-line pay-in-store orders with an Idempotency-Key at 1, 4 and 16 clients,
then 64 clients on one hot SKU at one store. Beside it, in the same run, the same row changes
are made with raw SQL through psycopg (16 clients): the floor to compare with. Afterwards every
stock row is checked against its held reservations and its ledger (oversold), the worker's CPU
per confirmation is measured once it has sent them all, and the statements of one placement are
counted. After each phase it waits for the worker to send that phase's confirmations: an order
counts as done when its confirmation is sent, so "confirmed/s" is the phase's orders over its
measured window plus that backlog (a web server that starves the worker would otherwise look
faster than the system is). Everything it started is stopped again, also on error or Ctrl-C.

Target (SPEC §6): at least 100 orders/s confirmed at 16 clients, p99 under 300 ms, at most 12
statements. The machine's load average is printed: on a shared machine the absolute figures are
depressed, the ratio to the raw-SQL floor measured in the same run much less so.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
from bench.reserve import _consistency

ROOT = Path(__file__).resolve().parent.parent
TARGET_ORDERS_PER_S = 100
TARGET_P99_MS = 300
TARGET_QUERIES = 12
PLENTY = 1_000_000
RAISED_RATE = "100000000/min"
# The parts of a placement whose CPU each phase measures.
CPU_PARTS = ("web", "worker", "database", "client")
# The shoppers the benchmark invents; their confirmations are the ones it waits for.
BENCH_DOMAIN = "bench.example"


def add_catalogue_arguments(parser: argparse.ArgumentParser) -> None:
    """The catalogue `_catalogue` loads: the demo's, or a generated one of a given size."""
    parser.add_argument(
        "--catalogue",
        choices=("demo", "generated"),
        default="demo",
        help="demo: `manage.py seed_demo`; generated: --stores x --products, every pair stocked",
    )
    parser.add_argument("--stores", type=int, default=20, help="stores of a generated catalogue")
    parser.add_argument("--products", type=int, default=200, help="its products")


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench http_orders",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured length of a phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured start of a phase")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--hot-clients", type=int, default=64, help="clients on one hot SKU")
    parser.add_argument("--hot-units", type=int, default=PLENTY, help="units of the hot SKU")
    parser.add_argument("--raw-clients", type=int, default=16, help="clients of the raw SQL floor")
    add_catalogue_arguments(parser)
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--worker-concurrency", type=int, default=1, help="processes of the one Celery worker"
    )
    parser.add_argument(
        "--worker-pool",
        default="prefork",
        choices=("prefork", "solo", "threads"),
        help="the Celery worker's execution pool",
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        help="the worker's Redis (default: CELERY_BROKER_URL); its queues are purged first",
    )
    parser.add_argument(
        "--drain-seconds", type=float, default=180.0, help="how long to wait for the worker"
    )
    options = parser.parse_args(argv)
    options.clients = [int(count) for count in options.clients.split(",") if count]
    if not options.broker_url.startswith(("redis://", "rediss://")):
        parser.error("--broker-url must be a Redis URL")
    return options


# --- the stack -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Stack:
    """The processes this benchmark started; each leads its own process group."""

    port: int
    folder: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            progress(f"stopped {name}")

    def cpu_seconds(self, name: str) -> float:
        """User and system CPU of the process and its children (gunicorn's or Celery's
        workers), read from /proc."""
        return _tree_cpu_seconds(self.processes[name].pid)


def _process_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user and system CPU ticks) of one process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # After the command's name in parentheses: state, parent, … utime (14th), stime (15th).
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _process_ticks(pid: int) -> int:
    """User and system CPU ticks of one process, 0 when it is gone."""
    stat = _process_stat(pid)
    return 0 if stat is None else stat[1]


def _database_ticks() -> dict[int, int]:
    """CPU ticks of each PostgreSQL backend serving the scratch database (gunicorn's and the
    worker's kept connections); empty when the server is not on this machine."""
    from django.db import connection

    if connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", "::1", ""):
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return {pid: _process_ticks(pid) for (pid,) in cursor.fetchall()}


def _cpu_snapshot(stack: Stack) -> dict:
    """CPU seconds so far of every part of one placement: gunicorn, the worker, PostgreSQL's
    backends and this process (the clients)."""
    return {
        "web": stack.cpu_seconds("web"),
        "worker": stack.cpu_seconds("worker"),
        "database": _database_ticks(),
        "client": time.process_time(),
    }


def _cpu_ms_per_request(before: dict, after: dict, requests: int, share: float) -> dict:
    """Each part's CPU in the phase per request answered in its measured window (`share`: the
    measured part of the phase's time). A backend that ended during the phase is not counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {part: after[part] - before[part] for part in ("web", "worker", "client")}
    seconds["database"] = (
        sum(used - before["database"].get(pid, 0) for pid, used in after["database"].items())
        / ticks
    )
    per_request = 1000 / max(1, requests) * share
    return {part: round(used * per_request, 1) for part, used in seconds.items()}


def _tree_cpu_seconds(root_pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        stat = _process_stat(int(entry)) if entry.isdigit() else None
        if stat is not None:
            parents[int(entry)], cpu[int(entry)] = stat
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(cpu.get(pid, 0) for pid in tree) / ticks


def _stack_env(options: argparse.Namespace, database_url: str, folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SHOP_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": options.broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for rate in ("ANON", "USER", "CATALOGUE", "ORDER_PLACE", "SHOPPER_ORDER"):
        env[f"API_THROTTLE_{rate}"] = RAISED_RATE
    return env


@contextmanager
def running_stack(options: argparse.Namespace, database_url: str) -> Iterator[Stack]:
    """gunicorn and one Celery worker on the scratch database; stopped on the way out."""
    with tempfile.TemporaryDirectory(prefix="bench-http-orders-") as folder:
        stack = Stack(port=_free_port(), folder=Path(folder))
        env = _stack_env(options, database_url, stack.folder)
        _purge(options.broker_url)
        try:
            stack.start(
                "web",
                [
                    *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                    *("--bind", f"127.0.0.1:{stack.port}"),
                    *("--workers", str(options.web_workers)),
                    *("--worker-class", options.worker_class),
                    *("--threads", str(options.threads)),
                    *("--backlog", "2048", "--log-level", "warning"),
                ],
                env,
            )
            stack.start(
                "worker",
                [
                    *(sys.executable, "-m", "celery", "-A", "config", "worker"),
                    *("--concurrency", str(options.worker_concurrency)),
                    *("--pool", options.worker_pool),
                    *("--loglevel", "WARNING", "-n", f"bench-{uuid.uuid4().hex[:8]}@localhost"),
                ],
                env,
            )
            _wait_until_serving(stack)
            progress(f"gunicorn on 127.0.0.1:{stack.port} and a Celery worker are up")
            yield stack
        finally:
            stack.stop()


def _purge(broker_url: str) -> None:
    from config.celery import app

    app.conf.broker_url = broker_url
    app.control.purge()


def _wait_until_serving(stack: Stack, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            status, _ = _request(stack.port, "GET", "/healthz", None, {})
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer in {timeout:g}s:\n{stack.log('web')}")


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    pairs: list[tuple[str, str]]  # (store code, sku) with plenty of stock
    hot: tuple[str, str]


def _catalogue(options: argparse.Namespace) -> Catalogue:
    from django.core.management import call_command
    from django.db import connection

    from inventory.models import StockLevel

    started = time.monotonic()
    if options.catalogue == "demo":
        call_command("seed_demo", verbosity=0)
    else:
        load_catalogue(stores=options.stores, products=options.products, on_hand_sql=str(PLENTY))
    levels = StockLevel.objects.filter(
        product__is_active=True, store__is_active=True, store__click_and_collect_enabled=True
    )
    levels.update(on_hand=PLENTY, safety_stock=0)
    pairs = sorted(levels.values_list("store__code", "product__sku"))
    hot = pairs[0]
    StockLevel.objects.filter(store__code=hot[0], product__sku=hot[1]).update(
        on_hand=options.hot_units
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    progress(f"catalogue: {len(pairs)} stocked pairs in {time.monotonic() - started:.1f}s")
    return Catalogue(pairs=pairs[1:], hot=hot)


# --- clients ---------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    placed: int = 0
    sold_out: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, other: "Tally") -> None:
        with self.lock:
            self.latencies_ms.extend(other.latencies_ms)
            self.placed += other.placed
            self.sold_out += other.sold_out
            self.errors += other.errors
            self.error_samples.extend(other.error_samples[: 3 - len(self.error_samples)])


def _order_body(store: str, sku: str, email: str) -> bytes:
    return json.dumps(
        {
            "customer": {"email": email, "name": "Bench Kundin", "phone": "+4985112345"},
            "pickup_store": store,
            "lines": [{"sku": sku, "quantity": 1}],
            "payment_method": "pay_in_store",
        }
    ).encode()


def _http_client(
    port: int, choose: Callable[[random.Random], tuple[str, str]], label: str, seed: int
) -> Callable[[threading.Barrier, float, float, Tally], None]:
    def client(barrier: threading.Barrier, warmup: float, seconds: float, tally: Tally) -> None:
        mine = Tally()
        chance = random.Random(seed)
        try:
            barrier.wait()
            start = time.perf_counter()
            measured_from, deadline = start + warmup, start + warmup + seconds
            number = 0
            while (now := time.perf_counter()) < deadline:
                number += 1
                store, sku = choose(chance)
                body = _order_body(store, sku, f"{label}-{number}@{BENCH_DOMAIN}")
                headers = {
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"{label}-{number}",
                }
                try:
                    status, answer = _request(port, "POST", "/api/v1/orders/", body, headers)
                except OSError as error:
                    status, answer = 0, str(error).encode()
                finished = time.perf_counter()
                if now < measured_from or finished > deadline:
                    continue
                mine.latencies_ms.append((finished - now) * 1000)
                if status == 201:
                    mine.placed += 1
                elif status == 409:
                    mine.sold_out += 1
                else:
                    mine.errors += 1
                    mine.error_samples.append(f"{status}: {answer[:200]!r}")
        finally:
            tally.add(mine)

    return client


def _phase(clients: list[Callable], warmup: float, seconds: float) -> Tally:
    tally = Tally()
    barrier = threading.Barrier(len(clients))
    threads = [
        threading.Thread(target=client, args=(barrier, warmup, seconds, tally))
        for client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


# --- the raw SQL floor -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Insert:
    """An INSERT of every column of a table, with the values of a template row."""

    sql: str
    columns: list[str]
    values: list

    def params(self, **changes) -> list:
        values = list(self.values)
        for column, value in changes.items():
            values[self.columns.index(column)] = value
        return values


def _insert_of(instance, *, returning: bool = True) -> _Insert:
    from django.db import connection
    from django.db.models.fields import AutoFieldMixin

    fields = [
        field
        for field in instance._meta.local_concrete_fields
        if not isinstance(field, AutoFieldMixin)
    ]
    columns = [field.column for field in fields]
    values = [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields
    ]
    sql = (
        f"INSERT INTO {instance._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})" + (" RETURNING id" if returning else "")
    )
    return _Insert(sql=sql, columns=columns, values=values)


RAW_LOCK_SQL = """
    SELECT id, on_hand - reserved - safety_stock FROM inventory_stocklevel
    WHERE store_id = %s AND product_id = %s FOR NO KEY UPDATE
"""
RAW_RESERVE_SQL = """
    UPDATE inventory_stocklevel SET reserved = reserved + 1, updated_at = now()
    WHERE id = %s AND reserved <= on_hand - safety_stock - 1
"""
RAW_CUSTOMER_SQL = """
    INSERT INTO orders_customer (email, name, phone, language, email_promotions_consent,
        sms_promotions_consent, preferred_channel, created_at, updated_at)
    VALUES (%s, 'Bench Kundin', '+4985112345', 'de', false, false, 'email', now(), now())
    ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name, updated_at = now()
    RETURNING id
"""


def _raw_statements(pairs: list[tuple[str, str]]) -> dict:
    """The placement's row changes as plain INSERT/UPDATE statements, and ids for the pairs."""
    from django.utils import timezone

    from api.models import IdempotencyRecord
    from inventory.models import Product, Reservation, StockMovement
    from messaging.models import Notification
    from orders.models import Order, OrderLine, OrderTransition
    from stores.models import Store

    now = timezone.now()
    store = Store.objects.first()
    product = Product.objects.first()
    order = Order(
        number="X", access_token_salt="s" * 32, access_token_hash="h" * 64, customer_id=0,
        pickup_store=store, payment_method="pay_in_store", subtotal=product.price,
        total=product.price, placed_at=now, reserved_at=now, ready_by=now,
    )  # fmt: skip
    order.reserve(now=now, ready_by=now)
    stores = dict(Store.objects.values_list("code", "id"))
    products = dict(Product.objects.values_list("sku", "id"))
    return {
        "ids": [(stores[code], products[sku]) for code, sku in pairs],
        "order": _insert_of(order),
        "line": _insert_of(
            OrderLine(order_id=0, product=product, quantity=1, unit_price=product.price)
        ),
        "transition": _insert_of(
            OrderTransition(order_id=0, transition="place", target="placed", created_at=now),
            returning=False,
        ),
        "reservation": _insert_of(
            Reservation(stock_level_id=0, quantity=1, reference="r", created_at=now)
        ),
        "movement": _insert_of(
            StockMovement(stock_level_id=0, kind="reserve", reserved_delta=1, created_at=now),
            returning=False,
        ),
        "notification": _insert_of(
            Notification(
                order_id=0,
                customer_id=0,
                channel="email",
                template="confirmation",
                language="de",
                next_attempt_at=now,
                idempotency_key="k",
            ),
            returning=False,
        ),  # fmt: skip
        "idempotency": _insert_of(
            IdempotencyRecord(
                key="k",
                scope="orders.place:anon",
                fingerprint="f" * 64,
                response_status=201,
                response_body={"number": "X", "state": "reserved"},
            ),
            returning=False,
        ),  # fmt: skip
    }


def _raw_place(connection: psycopg.Connection, sql: dict, store_id: int, product_id: int, key: str):
    with connection.transaction():
        customer_id = connection.execute(RAW_CUSTOMER_SQL, [f"{key}@raw.example"]).fetchone()[0]
        level_id, available = connection.execute(RAW_LOCK_SQL, [store_id, product_id]).fetchone()
        if available < 1 or connection.execute(RAW_RESERVE_SQL, [level_id]).rowcount != 1:
            raise RuntimeError("raw: sold out")
        number = secrets.token_hex(4).upper()
        order_id = connection.execute(
            sql["order"].sql,
            sql["order"].params(number=number, customer_id=customer_id, pickup_store_id=store_id),
        ).fetchone()[0]
        line_id = connection.execute(
            sql["line"].sql, sql["line"].params(order_id=order_id, product_id=product_id)
        ).fetchone()[0]
        for transition, source, target in (
            ("place", "", "placed"),
            ("reserve", "placed", "reserved"),
        ):
            connection.execute(
                sql["transition"].sql,
                sql["transition"].params(
                    order_id=order_id, transition=transition, source=source, target=target
                ),
            )
        reference = f"order-line:{line_id}"
        connection.execute(
            sql["reservation"].sql,
            sql["reservation"].params(stock_level_id=level_id, reference=reference),
        ).fetchone()
        connection.execute(
            sql["movement"].sql,
            sql["movement"].params(stock_level_id=level_id, reference=reference),
        )
        connection.execute(
            sql["notification"].sql,
            sql["notification"].params(
                order_id=order_id, customer_id=customer_id, idempotency_key=f"confirmation:{number}"
            ),
        )
        connection.execute(sql["idempotency"].sql, sql["idempotency"].params(key=key))


def _raw_client(
    database_url: str, sql: dict, label: str, seed: int
) -> Callable[[threading.Barrier, float, float, Tally], None]:
    def client(barrier: threading.Barrier, warmup: float, seconds: float, tally: Tally) -> None:
        mine = Tally()
        chance = random.Random(seed)
        connection = psycopg.connect(database_url)
        try:
            barrier.wait()
            start = time.perf_counter()
            measured_from, deadline = start + warmup, start + warmup + seconds
            number = 0
            while (now := time.perf_counter()) < deadline:
                number += 1
                store_id, product_id = chance.choice(sql["ids"])
                try:
                    _raw_place(connection, sql, store_id, product_id, f"{label}-{number}")
                except Exception as error:  # noqa: BLE001 - every surprise is counted and shown
                    ok = False
                    mine.error_samples.append(f"raw {type(error).__name__}: {error}")
                else:
                    ok = True
                finished = time.perf_counter()
                if now < measured_from or finished > deadline:
                    continue
                mine.latencies_ms.append((finished - now) * 1000)
                if ok:
                    mine.placed += 1
                else:
                    mine.errors += 1
        finally:
            connection.close()
            tally.add(mine)

    return client


# --- figures ---------------------------------------------------------------------------------


def _queries_per_order(pair: tuple[str, str]) -> int:
    """Statements of one placement through the same view, counted as the database sees them
    (BEGIN and COMMIT included), with the process's memory of the store's hours warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    for attempt in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/v1/orders/",
                _order_body(*pair, f"count-{attempt}@{BENCH_DOMAIN}"),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"count-{attempt}",
            )
        if response.status_code != 201:
            raise RuntimeError(f"counting placement answered {response.status_code}")
    return len(captured)


def _drain(stack: Stack, seconds: float) -> tuple[int, int]:
    """Waits until no confirmation of the benchmark's orders is left queued; (sent, still queued).
    The demo's own messages were queued before the broker was purged: they are not waited for."""
    from django.db.models import Count

    from messaging.models import Notification

    deadline = time.monotonic() + seconds
    while True:
        stack.check_alive()
        counts = dict(
            Notification.objects.filter(
                template="confirmation", customer__email__endswith=f"@{BENCH_DOMAIN}"
            )
            .values_list("status")
            .annotate(count=Count("pk"))
        )
        queued = counts.get("queued", 0)
        if queued == 0 or time.monotonic() > deadline:
            return counts.get("sent", 0), queued
        time.sleep(0.2)


def _summary(tally: Tally, seconds: float) -> dict:
    latencies = sorted(tally.latencies_ms)
    return {
        "orders_per_s": round(tally.placed / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p90_ms": round(percentile(latencies, 0.90), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "sold_out": tally.sold_out,
        "errors": tally.errors,
    }


def _run(options: argparse.Namespace, database_url: str) -> dict:
    catalogue = _catalogue(options)
    loads = [os.getloadavg()[0]]
    phases: dict[str, dict] = {}
    cpu_ms: dict[str, dict] = {}
    with running_stack(options, database_url) as stack:
        # Every gunicorn worker's first requests import and connect: not what is measured.
        progress(f"warming up {options.web_workers} web workers")
        _phase(
            [
                _http_client(
                    stack.port, lambda chance: chance.choice(catalogue.pairs), f"warm-{n}", n
                )
                for n in range(2 * options.web_workers)
            ],
            0,
            max(options.warmup, 2.0),
        )
        sent_before, _ = _drain(stack, options.drain_seconds)
        worker_cpu_before = stack.cpu_seconds("worker")
        for count in options.clients:
            progress(f"phase: {count} clients for {options.warmup:g}+{options.seconds:g}s")
            clients = [
                _http_client(
                    stack.port,
                    lambda chance: chance.choice(catalogue.pairs),
                    f"c{count}-{number}",
                    seed=count * 1000 + number,
                )
                for number in range(count)
            ]
            cpu_before = _cpu_snapshot(stack)
            tally = _phase(clients, options.warmup, options.seconds)
            phases[str(count)] = _summary(tally, options.seconds)
            cpu_ms[str(count)] = _cpu_ms_per_request(
                cpu_before,
                _cpu_snapshot(stack),
                tally.placed + tally.sold_out + tally.errors,
                options.seconds / (options.seconds + options.warmup),
            )
            phases[str(count)]["error_samples"] = tally.error_samples
            loads.append(os.getloadavg()[0])
            # Orders are only done when their confirmation is sent: a worker that fell behind
            # while the web took the cores would flatter the phase's figure. The time it needs
            # for the backlog after the phase counts against it.
            drain_started = time.monotonic()
            _drain(stack, options.drain_seconds)
            backlog = time.monotonic() - drain_started
            phases[str(count)]["backlog_s"] = round(backlog, 1)
            phases[str(count)]["confirmed_orders_per_s"] = round(
                tally.placed / (options.seconds + backlog), 1
            )
        progress(f"phase: {options.hot_clients} clients on one hot SKU")
        hot_clients = [
            _http_client(stack.port, lambda chance: catalogue.hot, f"hot-{number}", seed=number)
            for number in range(options.hot_clients)
        ]
        hot = _phase(hot_clients, options.warmup, options.seconds)
        phases["hot"] = {**_summary(hot, options.seconds), "error_samples": hot.error_samples}
        loads.append(os.getloadavg()[0])
        progress("waiting for the worker to send every confirmation")
        sent, queued = _drain(stack, options.drain_seconds)
        sent -= sent_before
        worker_cpu = stack.cpu_seconds("worker") - worker_cpu_before

    progress(f"raw SQL floor: {options.raw_clients} clients")
    statements = _raw_statements(catalogue.pairs)
    raw = _phase(
        [
            _raw_client(database_url, statements, f"raw-{number}", seed=number)
            for number in range(options.raw_clients)
        ],
        options.warmup,
        options.seconds,
    )
    loads.append(os.getloadavg()[0])
    checks = _consistency()
    queries = _queries_per_order(catalogue.pairs[-1])
    progress(f"one placement: {queries} statements (BEGIN and COMMIT included)")

    rows = [
        [
            name,
            phase["orders_per_s"],
            phase.get("confirmed_orders_per_s", ""),
            phase["p50_ms"],
            phase["p90_ms"],
            phase["p99_ms"],
            phase["sold_out"],
            phase["errors"],
            *(cpu_ms[name][part] if name in cpu_ms else "" for part in CPU_PARTS),
        ]
        for name, phase in phases.items()
    ]
    raw_summary = _summary(raw, options.seconds)
    rows.append(
        [
            f"raw SQL x{options.raw_clients}",
            raw_summary["orders_per_s"],
            "",
            raw_summary["p50_ms"],
            raw_summary["p90_ms"],
            raw_summary["p99_ms"],
            "",
            raw_summary["errors"],
            *([""] * len(CPU_PARTS)),
        ]
    )
    print_table(
        "http_orders: one-line pay-in-store orders over HTTP, closed loop",
        [
            *("clients", "orders/s", "confirmed/s", "p50 ms", "p90 ms", "p99 ms", "409", "errors"),
            *(f"{part} CPU ms" for part in CPU_PARTS),
        ],
        rows,
    )
    at_16 = phases.get("16", phases[str(options.clients[-1])])
    load = machine_load()
    result = {
        "benchmark": "http_orders",
        "orders_per_s": {str(c): phases[str(c)]["orders_per_s"] for c in options.clients},
        "p50_ms": {str(c): phases[str(c)]["p50_ms"] for c in options.clients},
        "p90_ms": {str(c): phases[str(c)]["p90_ms"] for c in options.clients},
        "p99_ms": {str(c): phases[str(c)]["p99_ms"] for c in options.clients},
        # Placed in the measured window over that window plus the worker's backlog after it.
        "confirmed_orders_per_s": {
            str(c): phases[str(c)]["confirmed_orders_per_s"] for c in options.clients
        },
        "backlog_s": {str(c): phases[str(c)]["backlog_s"] for c in options.clients},
        "hot_64": {
            "clients": options.hot_clients,
            "orders_per_s": phases["hot"]["orders_per_s"],
            "p99_ms": phases["hot"]["p99_ms"],
            "sold_out": phases["hot"]["sold_out"],
        },
        "queries_per_order": queries,
        "web_cpu_ms_per_request": {name: parts["web"] for name, parts in cpu_ms.items()},
        # Per request, while the phase ran: gunicorn, the worker, PostgreSQL, the clients.
        "cpu_ms_per_request": cpu_ms,
        "worker_ms_per_message": round(worker_cpu * 1000 / sent, 2) if sent else None,
        "messages_sent": sent,
        "messages_still_queued": queued,
        "oversold": checks["oversold"],
        "ledger_drift": checks["ledger_drift"],
        "errors": sum(phase["errors"] for phase in phases.values()),
        "error_samples": [s for phase in phases.values() for s in phase["error_samples"]][:3],
        "raw_sql_orders_per_s": raw_summary["orders_per_s"],
        "raw_sql_errors": raw_summary["errors"],
        "ratio_vs_raw_sql": (
            round(at_16["orders_per_s"] / raw_summary["orders_per_s"], 3)
            if raw_summary["orders_per_s"]
            else None
        ),
        "load_average_1m_during": [round(value, 2) for value in loads],
        **load,
        "web": {
            "workers": options.web_workers,
            "worker_class": options.worker_class,
            "threads": options.threads,
        },
        "worker": {"pool": options.worker_pool, "concurrency": options.worker_concurrency},
        "meets_target": (
            at_16["confirmed_orders_per_s"] >= TARGET_ORDERS_PER_S
            and at_16["p99_ms"] < TARGET_P99_MS
            and queries <= TARGET_QUERIES
            and checks["oversold"] == 0
        ),
    }
    return result


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("http_orders") as database_url:
        django_setup(database_url)
        result = _run(options, database_url)
    print_result(result)
    return 0
