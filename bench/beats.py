"""`python -m bench beats`: two beat processes side by side for two minutes; every periodic job
must be sent once per period, not twice.

Both beats run the deployment's real schedule (CELERY_BEAT_SCHEDULE) with every period divided
by `--scale` (60: the one-minute jobs every second, the hourly ones every minute), take the beat
lock on a scratch database, and send to an in-memory broker of their own, so nothing reaches a
real queue. Each "Sending due task" line in their logs is one send, with its time. A job ran
once per period when no two sends (from either beat) came closer than half its period, and the
beats together sent it no more than floor(elapsed / period) + 1 times and at least 90 % of that
(a loaded machine makes a beat a little late on each send; two beats would send twice as often).
"""

import argparse
import datetime
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench.harness import machine_load, print_result, print_table, progress, scratch_database

ROOT = Path(__file__).resolve().parent.parent
SENT = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\D.*Scheduler: Sending due task (\S+) ")
LEADER = "beat lock taken"


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench beats", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0, help="how long both beats run")
    parser.add_argument("--scale", type=float, default=60.0, help="periods divided by this")
    parser.add_argument("--beats", type=int, default=2, help="beat processes started")
    return parser.parse_args(argv)


def _start_beat(database_url: str, folder: Path, name: str, scale: float) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "memory://",
        "BENCH_BEAT_SCALE": str(scale),
        "BEAT_LOCK_RETRY_SECONDS": "0.5",
        "LOG_LEVEL": "INFO",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
        "--schedule", str(folder / f"{name}-schedule"),
    ]  # fmt: skip
    log = (folder / f"{name}.log").open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)


def _periods(scale: float) -> dict[str, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.conf import settings

    return {
        name: entry["schedule"] / scale
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry["schedule"], int | float)
    }


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    periods = _periods(options.scale)
    with scratch_database("beats") as database_url, tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        names = [f"beat-{number}" for number in range(1, options.beats + 1)]
        beats = [_start_beat(database_url, folder, name, options.scale) for name in names]
        try:
            logs = [folder / f"{name}.log" for name in names]
            deadline = time.monotonic() + 60
            while not any(LEADER in log.read_text() for log in logs):
                if time.monotonic() > deadline:
                    raise TimeoutError("no beat took the lock")
                time.sleep(0.2)
            started = time.monotonic()
            progress(f"{options.beats} beats running for {options.seconds:.0f} s")
            time.sleep(options.seconds)
            elapsed = time.monotonic() - started
            # Read before stopping: a standby takes the lock as the leader stops.
            texts = {name: log.read_text() for name, log in zip(names, logs, strict=True)}
        finally:
            for beat in beats:
                beat.terminate()
            for beat in beats:
                beat.wait(timeout=30)
    leaders = [name for name, text in texts.items() if LEADER in text]
    sends: dict[str, dict[str, list[datetime.datetime]]] = defaultdict(lambda: defaultdict(list))
    for name, text in texts.items():
        for stamp, job in SENT.findall(text):
            # The log's local time; only the gaps between sends matter.
            moment = datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(
                tzinfo=datetime.UTC
            )
            sends[job][name].append(moment)
    rows = []
    for job, period in sorted(periods.items(), key=lambda item: item[1]):
        by_beat = {name: len(sends[job][name]) for name in names}
        times = sorted(moment for name in names for moment in sends[job][name])
        gaps = [
            (later - earlier).total_seconds()
            for earlier, later in zip(times, times[1:], strict=False)
        ]
        min_gap = min(gaps) if gaps else None
        expected = math.floor(elapsed / period)
        total = len(times)
        rows.append(
            {
                "job": job,
                "period_s": round(period, 2),
                "expected": expected,
                "sent": total,
                "by_beat": by_beat,
                "min_gap_s": None if min_gap is None else round(min_gap, 2),
                "once_per_period": (
                    0.9 * expected - 1 <= total <= expected + 1
                    and (min_gap is None or min_gap >= period / 2)
                ),
            }
        )
    print_table(
        f"{options.beats} beats for {elapsed:.0f} s, periods / {options.scale:g}",
        ["job", "period s", "expected", "sent", "min gap s", *names],
        [
            [
                row["job"],
                row["period_s"],
                row["expected"],
                row["sent"],
                row["min_gap_s"],
                *row["by_beat"].values(),
            ]
            for row in rows
        ],
    )
    print_result(
        {
            "benchmark": "beats",
            "beats": options.beats,
            "seconds": round(elapsed, 1),
            "scale": options.scale,
            "leaders": leaders,
            "jobs": rows,
            "every_job_once_per_period": all(row["once_per_period"] for row in rows),
            **machine_load(),
        }
    )
    return 0
