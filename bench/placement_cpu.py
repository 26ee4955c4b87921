"""`python -m bench placement_cpu`: the CPU one placement costs the web process, and one
confirmation the worker, measured in a single process, so that other load on the machine
changes the figures as little as possible.

A scratch PostgreSQL database gets the demo catalogue. A separate process with the production
settings (as gunicorn runs them) then calls Django's WSGI handler directly, without a socket, for
`--orders` one-line pay-in-store placements with an Idempotency-Key, after `--warmup` unmeasured
ones, and reads its own CPU time (user + system, `time.process_time`) around them; then it
delivers the confirmations those placements queued, as the worker's task does, and measures the
same per confirmation. Where PostgreSQL runs on this machine, the CPU of the backend serving
that process is reported too ("PostgreSQL CPU ms per item"); gunicorn's HTTP parsing is in none
of these figures.

CPU time still rises when other processes share the cores (caches, frequency). `--callgrind`
counts instructions instead, which do not depend on load: each part runs twice under
`valgrind --tool=callgrind` with the two counts of `--callgrind-items`, and the difference divided
by the difference in items is what one item costs, start-up and warm-up excluded.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.harness import django_setup, machine_load, print_result, print_table, progress
from bench.harness import scratch_database as _scratch_database
from bench.http_orders import _catalogue, _purge, _stack_env, add_catalogue_arguments

PARTS = ("web", "worker")
CALLGRIND_WARMUP = 5


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench placement_cpu",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--orders", type=int, default=300, help="measured placements")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured placements first")
    parser.add_argument(
        "--callgrind", action="store_true", help="count instructions under valgrind instead"
    )
    parser.add_argument(
        "--callgrind-items",
        default="5,35",
        help="items (after 5 unmeasured) of the shorter and the longer run under valgrind",
    )
    parser.add_argument(
        "--broker-url",
        default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        help="the Redis the placements enqueue their deliveries on; its queues are purged",
    )
    # Internal: the measuring process.
    parser.add_argument(
        "--profile",
        metavar="FOLDER",
        help="also write cProfile statistics (CPU clock) of each part to FOLDER/PART.pstats",
    )
    parser.add_argument("--measure", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--pairs-file", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", default="cpu", help=argparse.SUPPRESS)
    add_catalogue_arguments(parser)
    parser.set_defaults(hot_units=1_000_000)
    return parser.parse_args(argv)


# --- the measuring process -------------------------------------------------------------------


def _environ(body: bytes, key: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/orders/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "HTTP_IDEMPOTENCY_KEY": key,
        # As the load balancer says it; production settings redirect plain HTTP.
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _place(handler, pairs: list[list[str]], prefix: str, number: int) -> None:
    from bench.http_orders import _order_body

    store, sku = pairs[number % len(pairs)]
    body = _order_body(store, sku, f"{prefix}-{number}@example.com")
    statuses = []
    response = handler(_environ(body, f"{prefix}-{number}"), lambda s, h: statuses.append(s))
    b"".join(response)
    response.close()
    if not statuses[0].startswith("201"):
        raise RuntimeError(f"placement answered {statuses[0]}")


def _deliver(notification_ids: list[int]) -> None:
    from messaging.models import Notification
    from outbox.services import outbox_for

    box = outbox_for(Notification)
    for row_id in notification_ids:
        if box.deliver(row_id) != Notification.Status.SENT:
            raise RuntimeError(f"confirmation {row_id} was not sent")


def _queued_confirmations(prefix: str) -> list[int]:
    from messaging.models import Notification

    return list(
        Notification.objects.filter(
            template="confirmation",
            status=Notification.Status.QUEUED,
            customer__email__startswith=f"{prefix}-",
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _database_ticks() -> Callable[[], int | None]:
    """A reader of the CPU ticks of the PostgreSQL backend serving this process's connection:
    None each time when the server is not on this machine (its process is not in /proc)."""
    from django.db import connection

    from bench.http_orders import _process_ticks

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    local = Path(f"/proc/{pid}/stat").exists()
    return lambda: _process_ticks(pid) if local else None


def _ms_per_item(ticks_before: int | None, ticks_after: int | None, items: int) -> float | None:
    if ticks_before is None or ticks_after is None:
        return None
    return round((ticks_after - ticks_before) * 1000 / os.sysconf("SC_CLK_TCK") / items, 2)


def _measure(options: argparse.Namespace) -> dict:
    """Runs in the process with the production settings; one part, as JSON on stdout."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connections

    pairs = json.loads(Path(options.pairs_file).read_text())
    handler = WSGIHandler()
    prefix = options.prefix
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    if options.measure == "web":
        for number in range(options.warmup):
            _place(handler, pairs, f"{prefix}w", number)
        database_ticks = _database_ticks()
        ticks_before = database_ticks()
        started = time.process_time()
        with profiler or contextlib.nullcontext():
            for number in range(options.orders):
                _place(handler, pairs, prefix, number)
        cpu = time.process_time() - started
        ticks_after = database_ticks()
        if profiler:
            profiler.dump_stats(Path(options.profile) / "web.pstats")
        connections.close_all()
        return {
            "part": "web",
            "items": options.orders,
            "cpu_ms": round(cpu * 1000 / options.orders, 2),
            # The statements' cost on the server's side, when it runs on this machine.
            "database_cpu_ms": _ms_per_item(ticks_before, ticks_after, options.orders),
        }
    # The worker's part: the confirmations those placements queued, warm-up ones first.
    _deliver(_queued_confirmations(f"{prefix}w")[: options.warmup])
    ids = _queued_confirmations(prefix)[: options.orders]
    if len(ids) < options.orders:
        raise RuntimeError(f"only {len(ids)} queued confirmations")
    database_ticks = _database_ticks()
    ticks_before = database_ticks()
    started = time.process_time()
    with profiler or contextlib.nullcontext():
        _deliver(ids)
    cpu = time.process_time() - started
    ticks_after = database_ticks()
    if profiler:
        profiler.dump_stats(Path(options.profile) / "worker.pstats")
    connections.close_all()
    return {
        "part": "worker",
        "items": len(ids),
        "cpu_ms": round(cpu * 1000 / len(ids), 2),
        "database_cpu_ms": _ms_per_item(ticks_before, ticks_after, len(ids)),
    }


# --- the driving process ---------------------------------------------------------------------


def _child(
    env: dict,
    part: str,
    counts: tuple[int, int],
    prefix: str,
    pairs: Path,
    valgrind: Path | None = None,
    profile: Path | None = None,
) -> tuple[dict, int | None]:
    """Measures `part` in a new process: (warm-up, measured) items; with `valgrind` under
    callgrind, also returning the instructions it counted."""
    warmup, orders = counts
    command = [
        sys.executable,
        "-m",
        "bench.placement_cpu",
        *("--measure", part, "--orders", str(orders), "--warmup", str(warmup)),
        *("--prefix", prefix, "--pairs-file", str(pairs)),
        *(("--profile", str(profile)) if profile else ()),
    ]
    if valgrind is not None:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={valgrind}",
            *command,
        ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {part} failed:\n{done.stderr[-4000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    instructions = None
    if valgrind is not None:
        collected = re.findall(r"Collected : (\d+)", done.stderr)
        instructions = int(collected[-1])
    return figures, instructions


def _run(options: argparse.Namespace, database_url: str) -> dict:
    catalogue = _catalogue(options)
    result: dict = {"benchmark": "placement_cpu", "orders": options.orders}
    with tempfile.TemporaryDirectory(prefix="bench-placement-cpu-") as folder:
        env = {**_stack_env(options, database_url, Path(folder)), "PYTHONHASHSEED": "0"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        pairs = Path(folder) / "pairs.json"
        pairs.write_text(json.dumps([list(pair) for pair in catalogue.pairs]))
        _purge(options.broker_url)
        profile = Path(options.profile).resolve() if options.profile else None
        if profile:
            profile.mkdir(parents=True, exist_ok=True)
        try:
            loads = [os.getloadavg()[0]]
            rows = []
            for part in PARTS:
                progress(f"{part}: {options.warmup} + {options.orders} in one process")
                figures, _ = _child(
                    env, part, (options.warmup, options.orders), "cpu", pairs, profile=profile
                )
                result[f"{part}_cpu_ms"] = figures["cpu_ms"]
                rows.append([part, "CPU ms per item", figures["cpu_ms"]])
                if figures.get("database_cpu_ms") is not None:
                    result[f"{part}_database_cpu_ms"] = figures["database_cpu_ms"]
                    rows.append([part, "PostgreSQL CPU ms per item", figures["database_cpu_ms"]])
            loads.append(os.getloadavg()[0])
            if options.callgrind:
                small, large = (int(count) for count in options.callgrind_items.split(","))
                for part in PARTS:
                    counts = []
                    for label, orders in (("a", small), ("b", large)):
                        progress(f"{part} under callgrind: 5 + {orders} items")
                        _, count = _child(
                            env,
                            part,
                            (CALLGRIND_WARMUP, orders),
                            f"cg{label}",
                            pairs,
                            valgrind=Path(folder) / f"callgrind.{part}.{label}",
                        )
                        counts.append(count)
                    per_item = (counts[1] - counts[0]) / (large - small)
                    result[f"{part}_instructions"] = round(per_item)
                    rows.append([part, "instructions per item", f"{per_item / 1e6:.1f} M"])
                loads.append(os.getloadavg()[0])
        finally:
            _purge(options.broker_url)
    print_table(
        "placement_cpu: one placement (web) and one confirmation (worker)",
        ["part", "figure", "value"],
        rows,
    )
    result["load_average_1m_during"] = [round(value, 2) for value in loads]
    result.update(machine_load())
    return result


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    if options.measure:
        print(json.dumps(_measure(options)), flush=True)
        return 0
    with _scratch_database("placement_cpu") as database_url:
        django_setup(database_url)
        result = _run(options, database_url)
    print_result(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
