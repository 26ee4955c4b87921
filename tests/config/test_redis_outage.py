"""A Redis outage (cache and broker) never answers 500: the cache fails open, loudly and
counted, and an order placed meanwhile is accepted and confirmed once Redis is back.

Each test starts its own `redis-server` on a free port and stops it; the shared Redis is never
touched."""

import json
import time

import pytest
from django.core.cache.backends.base import BaseCache
from django.utils.module_loading import import_string

from config import cache as fail_open_cache
from config.celery import app as celery_app
from messaging.models import Notification
from orders.models import Order
from tests.hotline.scenario import store_open_all_day
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.support.processes import RedisServer, WebProcess, http
from tests.support.services import WorkerProcess, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def private_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def fresh_counters():
    fail_open_cache.health.reset()
    yield fail_open_cache.health
    fail_open_cache.health.reset()


def redis_cache(server: RedisServer) -> BaseCache:
    backend = import_string("config.cache.FailOpenRedisCache")
    return backend(
        server.url(0), {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_with_redis_away_reads_miss_writes_are_dropped_and_each_failure_is_counted(
    private_redis, fresh_counters, caplog
):
    cache = redis_cache(private_redis)
    cache.set("throttle_anon_1", [1.0, 2.0])
    assert cache.get("throttle_anon_1") == [1.0, 2.0]

    private_redis.stop()

    assert cache.get("throttle_anon_1", "missing") == "missing"
    assert cache.set("throttle_anon_1", [3.0]) is None
    assert cache.add("other", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("throttle_anon_1") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    state = fresh_counters.as_dict()
    assert state["reachable"] is False
    assert state["errors"] == 1
    assert state["skipped"] == 5
    assert "ConnectionError" in state["last_error"]
    assert [
        record.levelname for record in caplog.records if "failing open" in record.getMessage()
    ] == ["WARNING"]

    private_redis.start()
    time.sleep(fail_open_cache.RETRY_AFTER_SECONDS)

    cache.set("back", "again")
    assert cache.get("back") == "again"
    assert fresh_counters.as_dict()["reachable"] is True
    assert fresh_counters.as_dict()["recoveries"] == 1


def order_body(email: str) -> bytes:
    return json.dumps(
        {
            "customer": {"email": email, "name": "Erika Müller"},
            "pickup_store": "PAS-01",
            "lines": [{"sku": "DRILL-18V", "quantity": 1}],
            "payment_method": "pay_in_store",
        }
    ).encode()


def place(web: WebProcess, email: str):
    return http(
        "POST",
        f"{web.base_url}/api/v1/orders/",
        order_body(email),
        {"Content-Type": "application/json"},
    )


def confirmation_state(number: str) -> str:
    notification = (
        Notification.objects.filter(order__number=number, channel="email").order_by("pk").first()
    )
    return notification.status if notification else "none"


@pytest.mark.django_db(transaction=True)
def test_an_order_placed_while_redis_is_down_is_accepted_and_confirmed_when_it_is_back(
    private_redis, tmp_path
):
    store = store_open_all_day(code="PAS-01", name="Passau")
    StockLevelFactory(store=store, product=ProductFactory(sku="DRILL-18V"), on_hand=10)
    shared = {
        "CELERY_BROKER_URL": private_redis.url(1),
        "OUTBOX_RELAY_GRACE_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    worker = WorkerProcess(broker_url=private_redis.url(1), extra_env=shared).start()
    # One web process, so /readyz shows the counters of the process that served the order.
    web = WebProcess(env={**shared, "CACHE_URL": private_redis.url(0)}, workers=1).start()
    try:
        before_status, before = place(web, "before@example.com")
        assert before_status == 201, before
        before_number = json.loads(before)["number"]
        assert wait_until(lambda: confirmation_state(before_number) == "sent", timeout=30)

        private_redis.stop()
        status, body = place(web, "during@example.com")
        ready_status, ready = http("GET", f"{web.base_url}/readyz")

        assert status == 201, body
        number = json.loads(body)["number"]
        assert Order.objects.get(number=number).state == "reserved"
        assert confirmation_state(number) == "queued"
        assert ready_status == 503  # the broker is away: not ready, and saying why
        cache_state = json.loads(ready)["cache"]
        assert cache_state["reachable"] is False
        assert cache_state["errors"] >= 1
        assert "failing open" in web.log()

        private_redis.start()
        # What beat does every minute: the relay enqueues every row the broker never got.
        with celery_app.connection_for_write(private_redis.url(1)) as connection:
            celery_app.send_task("outbox.tasks.outbox_relay_task", connection=connection)

        assert wait_until(lambda: confirmation_state(number) == "sent", timeout=60)
        assert any(number in path.read_text(encoding="utf-8") for path in tmp_path.glob("*.log"))
        assert b" 500 " not in web.log().encode()
    finally:
        web.stop()
        worker.stop()
