import threading

import pytest
from django.db import connection

from customers.services import CustomerInput
from orders.models import Order
from orders.services import LineInput, order_place
from tests.inventory.factories import StockLevelFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count: int, place_one) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            place_one(index)
            outcomes.append("placed")
        except Exception as error:  # noqa: BLE001 - the outcome is asserted
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_shoppers_racing_for_the_last_two_drills_get_exactly_two_orders(store, drill):
    level = StockLevelFactory(store=store, product=drill, on_hand=2)

    outcomes = _race(
        6,
        lambda index: order_place(
            customer=CustomerInput(email=f"racer{index}@example.com", name=f"Racer {index}"),
            pickup_store_code=store.code,
            lines=[LineInput("DRILL-18V", 1)],
            payment_method="pay_in_store",
        ),
    )

    assert outcomes == ["insufficient_stock"] * 4 + ["placed"] * 2
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (2, 2)
    assert Order.objects.filter(state="reserved").count() == 2


def test_one_customer_racing_past_the_open_order_limit_gets_only_the_limit(store, drill, settings):
    settings.ORDER_MAX_OPEN_PER_CUSTOMER = 2
    StockLevelFactory(store=store, product=drill, on_hand=50)

    outcomes = _race(
        5,
        lambda index: order_place(
            customer=CustomerInput(email="Hoarder@example.com", name="Hoarder"),
            pickup_store_code=store.code,
            lines=[LineInput("DRILL-18V", 1)],
            payment_method="pay_in_store",
        ),
    )

    assert outcomes == ["order_limit_reached"] * 3 + ["placed"] * 2
    assert Order.objects.count() == 2
