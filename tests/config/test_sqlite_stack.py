"""The embedded default under load: the processes of Procfile.local (web, worker, beat) on one
SQLite file and the filesystem broker, 50 orders placed at once, every confirmation sent, and no
"database is locked" in any process's log."""

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.services import ROOT

pytestmark = pytest.mark.slow

ORDERS = 50
SEED = """
from inventory.models import Product, StockLevel
from stores.models import OpeningHours, Store
import datetime
store = Store.objects.create(code="PAS-01", name="Passau", street="Innstadt 1", postcode="94032",
    city="Passau", country="DE", latitude=48.57, longitude=13.43, timezone="Europe/Berlin")
for day in range(7):
    OpeningHours.objects.create(store=store, weekday=day, opens=datetime.time(0, 0),
        closes=datetime.time(23, 59))
product = Product.objects.create(sku="DRL-18V", name="Cordless drill", price="129.00")
StockLevel.objects.create(store=store, product=product, on_hand=1000)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile.local").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _place(port: int, number: int) -> int | str:
    """The answer's status, or what happened instead (a reset connection, a timeout)."""
    body = {
        "customer": {"email": f"kundin{number}@example.com", "name": "Kundin"},
        "pickup_store": "PAS-01",
        "lines": [{"sku": "DRL-18V", "quantity": 1}],
        "payment_method": "pay_in_store",
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/orders/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": f"order-{number}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"no answer: {error!r}"


def _sent(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM orders_notification WHERE status = 'sent'"
        ).fetchone()
    return count


def test_web_worker_and_beat_on_sqlite_place_50_orders_at_once_without_a_lock_error(tmp_path):
    database = tmp_path / "db.sqlite3"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{database}",
        CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        API_THROTTLE_ANON="100000/min",
        API_THROTTLE_ORDER_PLACE="100000/min",
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    manage = [str(ROOT / ".venv" / "bin" / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    subprocess.run([*manage, "shell", "-c", SEED], cwd=ROOT, env=env, check=True, timeout=120)
    processes = {}
    try:
        for name, command in _procfile().items():
            log = (tmp_path / f"{name}.log").open("wb")
            processes[name] = subprocess.Popen(
                ["/bin/sh", "-c", command.replace("$PORT", str(port))],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()
                time.sleep(0.5)
        statuses: list[int | str] = []
        barrier = threading.Barrier(ORDERS)

        def place(number: int) -> None:
            barrier.wait()
            statuses.append(_place(port, number))

        threads = [threading.Thread(target=place, args=(n,)) for n in range(ORDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        deadline = time.monotonic() + 180
        while _sent(database) < ORDERS and time.monotonic() < deadline:
            time.sleep(1)
        sent = _sent(database)
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    logs = {name: (tmp_path / f"{name}.log").read_text(errors="replace") for name in processes}
    assert statuses == [201] * ORDERS
    assert sent == ORDERS
    assert {name: re.findall(r".*database is locked.*", log) for name, log in logs.items()} == {
        name: [] for name in logs
    }
