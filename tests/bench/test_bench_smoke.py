"""The benchmark harness end to end with tiny sizes: scratch database, load, figures, clean-up."""

import json
import os
import re
import subprocess
import sys

import psycopg
import pytest

from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _bench(*arguments: str) -> tuple[dict, str]:
    finished = subprocess.run(
        [sys.executable, "-m", "bench", *arguments],
        cwd=services.ROOT,
        env={**os.environ, "DATABASE_URL": services.test_database_url()},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    (scratch,) = re.findall(r"created scratch database (\w+)", finished.stderr)
    return json.loads(finished.stdout.strip().splitlines()[-1]), scratch


def _database_exists(name: str) -> bool:
    with psycopg.connect(services.test_database_url(), autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def test_bench_availability_reports_percentiles_last_and_drops_its_database():
    result, scratch = _bench(
        "availability", "--stores", "12", "--products", "30", "--iterations", "20"
    )

    assert result["benchmark"] == "availability"
    assert result["stock_rows"] == 360
    assert 0 < result["p50_ms_all_stores"] <= result["p95_ms_all_stores"]
    assert result["p95_ms_nearest_10"] > 0
    assert scratch.startswith("availability_bench_")
    assert not _database_exists(scratch)


def test_bench_reserve_compares_with_raw_sql_and_finds_no_oversell():
    result, scratch = _bench(
        "reserve",
        *("--stores", "4", "--products", "20", "--seconds", "0.5"),
        *("--clients", "1,4", "--hot-units", "5", "--hot-share", "0.5"),
    )

    assert result["benchmark"] == "reserve"
    assert set(result["reservations_per_second"]) == {"ours", "raw_sql"}
    assert result["ratio_clients"] == 4
    assert result["ratio_vs_raw_sql"] > 0
    assert (result["oversold"], result["ledger_drift"], result["errors"]) == (0, 0, 0)
    assert not _database_exists(scratch)


def test_bench_pool_counts_the_connections_each_way_of_connecting_holds():
    result, scratch = _bench(
        "pool",
        *("--processes", "1", "--requests", "8", "--clients", "2"),
        *("--stores", "3", "--products", "5"),
    )

    cases = {case["case"]: case for case in result["cases"]}
    assert len(cases) == 6
    assert cases["new connection per request"]["connections_when_idle"] == 0
    assert cases["kept connection"]["connections_when_idle"] == 1
    assert cases["pool max 1"]["peak_connections"] == 1
    assert cases["threads: pool max 2"]["peak_connections"] <= 2
    assert all(case["requests"] == 8 and case["p95_ms"] > 0 for case in cases.values())
    assert not _database_exists(scratch)


def test_bench_beats_sends_each_periodic_job_once_per_period_from_one_beat():
    result, scratch = _bench("beats", "--seconds", "8")

    assert len(result["leaders"]) == 1
    assert result["every_job_once_per_period"] is True
    for job in result["jobs"]:
        assert [beat for beat, sent in job["by_beat"].items() if sent] in ([], result["leaders"])
    relay = next(job for job in result["jobs"] if job["job"] == "outbox-relay")
    assert relay["sent"] >= 7
    assert not _database_exists(scratch)


def test_bench_chain_measures_every_page_before_and_after_its_indexes_and_drops_its_database():
    result, scratch = _bench(
        "chain",
        *("--stores", "3", "--products", "100", "--orders", "2000"),
        *("--timeline-orders", "50", "--iterations", "5", "--warmup", "1"),
    )

    cases = {
        "shift_page",
        "timeline",
        "timeline_newest_50",
        "kpi_30_days",
        "kpi_90_days",
        "placement",
        "hotline_search",
        "availability_all_stores",
        "availability_nearest_10",
        "availability_one_store",
    }
    assert result["benchmark"] == "chain"
    assert (result["stores"], result["products"], result["orders"]) == (3, 100, 2000)
    assert set(result["p95_ms"]) == set(result["p95_ms_without_chain_indexes"]) == cases
    assert all(p95 > 0 for p95 in result["p95_ms"].values())
    assert result["target_p95_ms"]["shift_page"] == 100
    assert result["target_p95_ms"]["availability_all_stores"] == 20
    assert scratch.startswith("chain_bench_")
    assert not _database_exists(scratch)


def test_bench_chain_lists_its_knobs():
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "chain", "--help"],
        cwd=services.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0
    knobs = ("--stores", "--products", "--orders", "--timeline-orders", "--iterations", "--reuse")
    assert all(knob in finished.stdout for knob in knobs)


def test_bench_refuses_to_run_without_postgresql():
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "availability"],
        cwd=services.ROOT,
        env={**os.environ, "DATABASE_URL": "sqlite:///var/bench.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode != 0
    assert "The benchmarks need PostgreSQL" in finished.stderr
