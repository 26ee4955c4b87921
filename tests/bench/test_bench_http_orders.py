"""`python -m bench http_orders` end to end with tiny sizes: it starts gunicorn and a worker,
places orders over HTTP, reports its figures last, and stops and drops everything it started."""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def _redis_broker() -> str:
    """A Redis database of the bench's own, next to the suite's: the suite's worker, still
    running on its own database, must not take the bench's messages."""
    broker = urlsplit(os.environ.get("CELERY_BROKER_URL", ""))
    if broker.scheme != "redis":
        return "redis://127.0.0.1:6379/13"
    database = int(broker.path.strip("/") or 0)
    # Never database 0, which other tools on the machine take by default.
    return broker._replace(path=f"/{database % 15 + 1}").geturl()


def test_bench_http_orders_places_orders_over_http_and_cleans_up():
    finished = services.bench_run(
        "http_orders",
        *("--catalogue", "generated", "--stores", "3", "--products", "10"),
        *("--seconds", "1", "--warmup", "0.5", "--clients", "1,2"),
        *("--hot-clients", "3", "--raw-clients", "2", "--web-workers", "2"),
        *("--drain-seconds", "60"),
        # The bench's worker runs on Redis, whichever broker the rest of the suite is given.
        *("--broker-url", _redis_broker()),
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["benchmark"] == "http_orders"
    assert set(result["orders_per_s"]) == {"1", "2"}
    assert result["orders_per_s"]["2"] > 0
    assert result["queries_per_order"] <= 12
    assert (result["oversold"], result["ledger_drift"], result["errors"]) == (0, 0, 0)
    assert result["raw_sql_orders_per_s"] > 0
    assert result["messages_sent"] > 0
    assert "stopped web" in finished.stderr
    assert "stopped worker" in finished.stderr
    assert services.bench_scratch_database_dropped(finished.stderr)


def test_bench_http_orders_lists_its_knobs():
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "http_orders", "--help"],
        cwd=services.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0
    knobs = ("--seconds", "--clients", "--hot-clients", "--stores", "--products", "--web-workers")
    assert all(knob in finished.stdout for knob in knobs)
