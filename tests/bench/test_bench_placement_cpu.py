"""`python -m bench placement_cpu` end to end with tiny sizes: it places orders through the WSGI
handler in a process with the production settings, sends their confirmations, reports the CPU
of each last, and drops its scratch database."""

import json

import pytest

from tests.support import services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_bench_placement_cpu_reports_cpu_per_placement_and_per_confirmation():
    finished = services.bench_run(
        "placement_cpu",
        *("--catalogue", "generated", "--stores", "3", "--products", "10"),
        *("--orders", "5", "--warmup", "2"),
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["benchmark"] == "placement_cpu"
    assert result["orders"] == 5
    assert result["web_cpu_ms"] > 0
    assert result["worker_cpu_ms"] > 0
    assert services.bench_scratch_database_dropped(finished.stderr)
