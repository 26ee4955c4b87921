"""What the router does against a real primary and its streaming replica, run in a process of
its own whose DATABASE_URL and DATABASE_REPLICA_URL name them (tests/config/test_read_replica.py).
`main` runs with both up; `main_replica_down` after the test stopped the replica.

The replica's replay is paused after it has the catalogue, then the primary's product is renamed
"On primary": every read that answers "On replica" was served by the replica. Prints one JSON
object of what each kind of read and write saw.
"""

import json
import time

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client, override_settings

from config.replica import replica_reads_allowed
from inventory.models import Product, StockLevel
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import OpeningHoursFactory, StoreFactory

SKU = "REPLICA-1"


def _scalar(alias: str, sql: str, params: list | None = None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _wait_for_replica(sku: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    query = "SELECT count(*) FROM inventory_product WHERE sku = %s"
    while _scalar("replica", query, [sku]) == 0:
        if time.monotonic() > deadline:
            raise TimeoutError("the replica never received the product")
        time.sleep(0.1)


def _set_up() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    store = StoreFactory(code="REP-01")
    OpeningHoursFactory(store=store)
    StockLevelFactory(store=store, product=ProductFactory(sku=SKU, name="On replica"), on_hand=10)
    _wait_for_replica(SKU)
    _scalar("replica", "SELECT pg_wal_replay_pause()::text")
    Product.objects.filter(sku=SKU).update(name="On primary")
    StockLevel.objects.filter(product__sku=SKU).update(on_hand=3)


def _requests() -> dict:
    client = Client(SERVER_NAME="localhost")
    with override_settings(ROOT_URLCONF="tests.support.replica_urls"):
        return {
            "api_product": client.get(f"/api/v1/products/{SKU}/").json()["name"],
            "api_product_head_status": client.head(f"/api/v1/products/{SKU}/").status_code,
            "api_availability": client.get(f"/api/v1/products/{SKU}/availability/").json()[0][
                "available"
            ],
            "shop_page_shows_replica_name": "On replica"
            in client.get(f"/products/{SKU}/").content.decode(),
            "write_then_read": client.get(f"/replica-test/write-then-read/{SKU}/").json(),
            "unmarked_view": client.get(f"/replica-test/unmarked/{SKU}/").json()["name"],
        }


def _reads_and_writes_in_scope() -> dict:
    seen: dict = {}
    with replica_reads_allowed():
        chosen = Product.objects.all().db
        seen["chosen_alias"] = chosen
        seen["chosen_connection_in_recovery"] = _scalar(chosen, "SELECT pg_is_in_recovery()")
        seen["plain_read"] = Product.objects.get(sku=SKU).name
        seen["user_model_alias"] = Group.objects.all().db
        with transaction.atomic():
            seen["read_in_atomic"] = Product.objects.get(sku=SKU).name
            seen["select_for_update"] = Product.objects.select_for_update().get(sku=SKU).name
        seen["read_after_locking_read"] = Product.objects.get(sku=SKU).name
        Product.objects.filter(sku=SKU).update(name="Written")
        ProductFactory(sku="REPLICA-2", name="Created")
        seen["read_after_write"] = Product.objects.get(sku=SKU).name
    seen["read_outside_scope"] = Product.objects.get(sku="REPLICA-2").name
    return seen


def main() -> None:
    _set_up()
    observed = {
        "primary_in_recovery": _scalar("default", "SELECT pg_is_in_recovery()"),
        "replica_in_recovery": _scalar("replica", "SELECT pg_is_in_recovery()"),
        **_requests(),
        **_reads_and_writes_in_scope(),
    }
    select = "SELECT coalesce(string_agg(name, ',' ORDER BY sku), '') FROM inventory_product"
    observed["primary_products"] = _scalar("default", select)
    observed["replica_products_while_paused"] = _scalar("replica", select)
    _scalar("replica", "SELECT pg_wal_replay_resume()::text")
    connections.close_all()
    print(json.dumps(observed))


def main_replica_down() -> None:
    """The catalogue with the replica gone: answered from the primary, the replica asked once."""
    client = Client(SERVER_NAME="localhost")
    answers = []
    for _ in range(3):
        started = time.monotonic()
        response = client.get(f"/api/v1/products/{SKU}/")
        answers.append(
            {
                "status": response.status_code,
                "name": response.json().get("name"),
                "seconds": round(time.monotonic() - started, 2),
            }
        )
    connections.close_all()
    print(json.dumps({"answers": answers}))
