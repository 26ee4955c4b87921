"""`python -m bench http_orders` end to end with tiny sizes: it starts gunicorn and a worker,
places orders over HTTP, reports its figures last, and stops and drops everything it started."""

import json
import os
import re
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings

from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_bench_http_orders_places_orders_over_http_and_cleans_up():
    finished = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "http_orders", "--catalogue", "generated"),
            *("--stores", "3", "--products", "10", "--seconds", "1", "--warmup", "0.5"),
            *("--clients", "1,2", "--hot-clients", "3", "--raw-clients", "2"),
            *("--web-workers", "2", "--drain-seconds", "60"),
        ],
        cwd=services.ROOT,
        env={
            **os.environ,
            "DATABASE_URL": services.test_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
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
    (scratch,) = re.findall(r"created scratch database (\w+)", finished.stderr)
    with psycopg.connect(services.test_database_url(), autocommit=True) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        assert left.fetchone() is None


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
