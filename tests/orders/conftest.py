import datetime

import pytest

from stores.models import StaffMembership
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import OpeningHoursFactory, StaffMembershipFactory, StoreFactory


@pytest.fixture
def store():
    store = StoreFactory(code="PAS-01", name="Passau Mitte", pickup_hold_days=7)
    for weekday in range(6):
        OpeningHoursFactory(
            store=store, weekday=weekday, opens=datetime.time(8), closes=datetime.time(20)
        )
    return store


@pytest.fixture
def other_store():
    return StoreFactory(
        code="REG-01", name="Regensburg Süd", city="Regensburg", latitude=49.0134, longitude=12.1016
    )


@pytest.fixture
def drill():
    return ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")


@pytest.fixture
def bits():
    return ProductFactory(sku="BITS-32", name="Bit-Set 32-teilig", price="12.50")


@pytest.fixture
def stocked(store, drill, bits):
    """Stock at the pickup store: 5 drills, 20 bit sets."""
    return {
        "drill": StockLevelFactory(store=store, product=drill, on_hand=5),
        "bits": StockLevelFactory(store=store, product=bits, on_hand=20),
    }


@pytest.fixture
def clerk(store):
    return StaffMembershipFactory(store=store, user__username="clerk.pas-01").user


@pytest.fixture
def manager(store):
    return StaffMembershipFactory(
        store=store, user__username="manager.pas-01", role=StaffMembership.Role.MANAGER
    ).user


@pytest.fixture
def other_clerk(other_store):
    return StaffMembershipFactory(store=other_store, user__username="clerk.reg-01").user


@pytest.fixture
def place(store):
    """Places an order through the service with sensible defaults; keyword arguments override."""
    from customers.services import CustomerInput
    from orders.services import LineInput, order_place

    def _place(**overrides):
        arguments = {
            "customer": CustomerInput(email="mueller@example.com", name="Frau Müller"),
            "pickup_store_code": store.code,
            "lines": [LineInput(sku="DRILL-18V", quantity=1)],
            "payment_method": "card",
        }
        arguments.update(overrides)
        return order_place(**arguments)

    return _place
