"""Several hosts, proven: two web hosts and two worker hosts (one also runs beat) against one
PostgreSQL and one Redis on a host of their own, each in a network namespace with its own
address. Shoppers place orders against both web hosts while one worker host's link is cut and
brought back; afterwards every accepted order exists once, every message went out once and the
stock agrees with its ledger."""

import itertools
import threading
import time
import uuid

import httpx
import psycopg
import pytest

from tests.hosts.lab import Lab, lab_possible
from tests.support.slow_edges import edge_calls, edge_deliveries

pytestmark = [pytest.mark.hosts, pytest.mark.slow]

CLIENTS = 4
LOAD_SECONDS = 24
CUT_AFTER_SECONDS, CUT_FOR_SECONDS = 6, 8


@pytest.fixture(scope="module")
def lab():
    reason = lab_possible()
    if reason:
        pytest.skip(reason)
    lab = Lab().open()
    try:
        infra = lab.add_host("infra")
        webs = [lab.add_host("web1"), lab.add_host("web2")]
        workers = [lab.add_host("wk1"), lab.add_host("wk2")]
        lab.start_infrastructure(infra)
        edges = lab.folder / "edges"
        edges.mkdir()
        env = lab.app_env(
            EMAIL_BACKEND="tests.support.slow_edges.SlowEmailBackend",
            EDGE_DIR=str(edges),
            API_THROTTLE_ANON="100000/min",
            API_THROTTLE_ORDER_PLACE="100000/min",
            # A worker whose link is gone loses its tasks to the other host quickly.
            CELERY_VISIBILITY_TIMEOUT="10",
            CELERY_UNACKED_RESTORE_INTERVAL="1",
            CELERY_UNACKED_RESTORE_THROTTLE="1",
            OUTBOX_CLAIM_LEASE_SECONDS="5",
            OUTBOX_RETRY_BASE_SECONDS="1",
            OUTBOX_RETRY_MAX_SECONDS="4",
            OUTBOX_RELAY_GRACE_SECONDS="5",
            OUTBOX_RELAY_EVERY_SECONDS="3",
        )
        lab.manage("migrate", "--no-input", env=env)
        lab.manage("seed_demo", env=env)
        for host in webs:
            lab.start_web(host, env)
        for host in workers:
            lab.start_worker(host, env)
        lab.start_beat(workers[1], env)
        lab.env, lab.edges, lab.webs = env, edges, webs
        yield lab
    finally:
        lab.close()


def _sql(lab: Lab, query: str, params=()) -> list[tuple]:
    with psycopg.connect(lab.database_url, connect_timeout=5) as connection:
        return connection.execute(query, params).fetchall()


def _well_stocked_lines(lab: Lab) -> list[tuple[str, str]]:
    return _sql(
        lab,
        "SELECT store.code, product.sku FROM inventory_stocklevel level "
        "JOIN stores_store store ON store.id = level.store_id "
        "JOIN inventory_product product ON product.id = level.product_id "
        "WHERE level.on_hand - level.reserved - level.safety_stock >= 8 "
        "AND store.is_active AND store.click_and_collect_enabled AND product.is_active "
        "ORDER BY store.code, product.sku LIMIT 40",
    )


class Shoppers:
    """Closed-loop shoppers; a request that failed on the network is sent again with the same
    Idempotency-Key, as a client should."""

    def __init__(self, lab: Lab) -> None:
        self.urls = itertools.cycle(f"http://{host.address}:8000" for host in lab.webs)
        self.lines = itertools.cycle(_well_stocked_lines(lab))
        self.lock = threading.Lock()
        self.accepted: list[str] = []
        self.statuses: dict[int, int] = {}
        self.network_errors = 0

    def _next(self) -> tuple[str, tuple[str, str]]:
        with self.lock:
            return next(self.urls), next(self.lines)

    def shop(self, until: float) -> None:
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < until:
                url, (store, sku) = self._next()
                key = uuid.uuid4().hex
                body = {
                    "customer": {"email": f"{key[:12]}@example.com", "name": "Erika Müller"},
                    "pickup_store": store,
                    "lines": [{"sku": sku, "quantity": 1}],
                    "payment_method": "pay_in_store",
                }
                for _attempt in range(5):
                    try:
                        response = client.post(
                            f"{url}/api/v1/orders/", json=body, headers={"Idempotency-Key": key}
                        )
                        break
                    except httpx.TransportError:
                        with self.lock:
                            self.network_errors += 1
                        time.sleep(0.5)
                else:
                    continue
                with self.lock:
                    self.statuses[response.status_code] = (
                        self.statuses.get(response.status_code, 0) + 1
                    )
                    if response.status_code == 201:
                        self.accepted.append(response.json()["number"])


def _wait(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    return predicate()


def test_orders_on_two_web_hosts_with_a_worker_host_cut_off_lose_and_double_nothing(lab):
    shoppers = Shoppers(lab)
    orders_before = _sql(lab, "SELECT count(*) FROM orders_order")[0][0]
    until = time.monotonic() + LOAD_SECONDS
    threads = [threading.Thread(target=shoppers.shop, args=(until,)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(CUT_AFTER_SECONDS)
    lab.cut("wk1")
    time.sleep(CUT_FOR_SECONDS)
    lab.mend("wk1")
    for thread in threads:
        thread.join()

    accepted = shoppers.accepted
    assert len(accepted) > 20, shoppers.statuses
    assert not [status for status in shoppers.statuses if status >= 500], shoppers.statuses
    stored = _sql(lab, "SELECT number FROM orders_order WHERE number = ANY(%s)", (accepted,))
    assert sorted(number for (number,) in stored) == sorted(accepted)
    # No order twice (a retried request) and none that no shopper was told about.
    assert _sql(lab, "SELECT count(*) FROM orders_order")[0][0] == orders_before + len(accepted)

    def settled():
        statuses = dict(
            _sql(lab, "SELECT status, count(*) FROM orders_notification GROUP BY status")
        )
        return statuses if statuses.get("queued", 0) == 0 else None

    statuses = _wait(settled, timeout=120)
    assert statuses, _sql(lab, "SELECT status, count(*) FROM orders_notification GROUP BY status")
    assert "failed" not in statuses
    confirmed = _sql(
        lab,
        "SELECT count(DISTINCT o.id) FROM orders_notification n JOIN orders_order o "
        "ON o.id = n.order_id WHERE n.status = 'sent' AND o.number = ANY(%s)",
        (accepted,),
    )[0][0]
    assert confirmed == len(accepted)
    # Every e-mail sent was delivered exactly once at the mail provider (retries carry the same
    # idempotency key, which the provider recognises), and nothing else went out but the demo's
    # newsletter, which seed_demo sent through the same provider.
    sent_keys = {
        key
        for (key,) in _sql(
            lab,
            "SELECT idempotency_key FROM orders_notification "
            "WHERE status = 'sent' AND channel = 'email'",
        )
    }
    newsletter_keys = {
        key for (key,) in _sql(lab, "SELECT idempotency_key FROM newsletter_campaignmessage")
    }
    delivered_keys = set(edge_calls(lab.edges, "mail"))
    assert edge_deliveries(lab.edges, "mail") == len(delivered_keys)
    assert delivered_keys - newsletter_keys == sent_keys
    # Both worker hosts took work.
    assert "succeeded" in lab.log("worker-wk1")
    assert "succeeded" in lab.log("worker-wk2")
    # Exits 1 (and the call raises) on any stock row that disagrees with its ledger.
    assert "No drift" in lab.manage("reconcile_stock", env=lab.env)
