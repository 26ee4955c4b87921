import pytest

from customers.services import CustomerInput
from orders.services import LineInput, order_place
from tests.shop import data
from tests.stores.factories import StaffMembershipFactory


@pytest.fixture
def passau():
    return data.passau_store()


@pytest.fixture
def regensburg():
    return data.regensburg_store()


@pytest.fixture
def drill():
    return data.drill_product()


@pytest.fixture
def stocked(passau, regensburg, drill):
    return data.drill_stocked(passau=passau, regensburg=regensburg, drill=drill)


@pytest.fixture
def clerk(passau):
    return StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user


@pytest.fixture
def placed(stocked):
    """An order of one drill at Passau, paid in store, as the checkout places it."""
    return order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber", language="de"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="pay_in_store",
    )
