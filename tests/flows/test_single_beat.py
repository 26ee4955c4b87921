"""One beat per deployment: a second beat process started by mistake sends nothing while the
first runs, and takes over when the first dies."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import Group

from tests.support import services
from tests.support.services import ROOT, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TICK_SECONDS = 1.0


def _ticks() -> int:
    return Group.objects.filter(name__startswith="beat-tick-").count()


def _start_beat(tmp_path, name: str) -> tuple[subprocess.Popen, object]:
    log_path = tmp_path / f"{name}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": services.test_database_url(),
        "TEST_BEAT_TICK_SECONDS": str(TICK_SECONDS),
        "BEAT_LOCK_RETRY_SECONDS": "0.5",
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
            "--schedule", str(tmp_path / f"{name}-schedule"),
        ],
        cwd=ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    return process, log_path


def _leader(beats):
    for process, log_path in beats:
        if "beat lock taken" in log_path.read_text():
            return process
    return None


def test_two_beats_send_each_periodic_task_once_and_the_standby_takes_over(
    celery_worker_process, tmp_path
):
    beats = [_start_beat(tmp_path, "first"), _start_beat(tmp_path, "second")]
    try:
        leader = wait_until(lambda: _leader(beats), timeout=30)
        wait_until(lambda: _ticks() >= 2, timeout=30)

        before, started = _ticks(), time.monotonic()
        time.sleep(6)
        sent = _ticks() - before
        elapsed = time.monotonic() - started
        # One beat sends one tick a second; two would send two.
        assert elapsed / TICK_SECONDS - 2 <= sent <= elapsed / TICK_SECONDS + 1.5

        leader.send_signal(signal.SIGKILL)
        leader.wait()
        after_kill = _ticks()
        wait_until(lambda: _ticks() >= after_kill + 3, timeout=30)
        standby = next(process for process, _ in beats if process is not leader)
        assert standby.poll() is None
    finally:
        for process, _ in beats:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
