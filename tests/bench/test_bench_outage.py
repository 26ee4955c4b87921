"""`python -m bench outage` end to end with a short run: it starts its own redis-server,
gunicorn, worker and beat, kills the worker and restarts Redis while orders are placed, finds no
5xx and nothing lost, and stops and drops everything it started."""

import json
import os
import re
import subprocess
import sys

import psycopg
import pytest

from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_bench_outage_loses_nothing_while_the_worker_dies_and_redis_restarts():
    finished = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "outage", "--duration", "8", "--clients", "2"),
            *("--worker-down-seconds", "1", "--redis-down-seconds", "2"),
            *("--web-workers", "2", "--worker-concurrency", "1", "--drain-seconds", "480"),
            # What the Redis restart lost comes back through the relay: every 10 s, not 60.
            *("--relay-seconds", "10"),
        ],
        cwd=services.ROOT,
        env={**os.environ, "DATABASE_URL": services.test_database_url()},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["benchmark"] == "outage"
    assert result["accepted"] > 0
    assert (result["server_errors"], result["dropped_connections"]) == (0, 0)
    assert result["accepted_found"] == result["confirmations_sent"] == result["accepted"]
    assert not any(result["outbox_pending"].values())
    assert (result["stock_drift"], result["oversold"]) == (0, 0)
    events = [event["event"] for event in result["events"]]
    assert "worker killed (SIGKILL)" in events
    assert "redis-server started again, empty" in events
    for name in ("redis", "web", "worker", "beat"):
        assert f"stopped {name}" in finished.stderr
    (scratch,) = re.findall(r"created scratch database (\w+)", finished.stderr)
    with psycopg.connect(services.test_database_url(), autocommit=True) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        assert left.fetchone() is None


def test_bench_outage_lists_its_knobs():
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "outage", "--help"],
        cwd=services.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0
    knobs = ("--duration", "--clients", "--kill-worker-at", "--restart-redis-at", "--drain-seconds")
    assert all(knob in finished.stdout for knob in knobs)
