import pytest

from stores.models import StaffMembership
from tests.console import scenario


@pytest.fixture
def store():
    return scenario.store_create()


@pytest.fixture
def other_store():
    return scenario.store_create("REG-01", "Regensburg Süd", city="Regensburg")


@pytest.fixture
def drill_stock(store):
    return scenario.drill_stocked(store)


@pytest.fixture
def clerk(store):
    return scenario.staff_create(store, "clerk.pas-01")


@pytest.fixture
def manager(store):
    return scenario.staff_create(store, "manager.pas-01", StaffMembership.Role.MANAGER)


@pytest.fixture
def other_clerk(other_store):
    return scenario.staff_create(other_store, "clerk.reg-01")


@pytest.fixture
def agent():
    return scenario.agent_create()


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client
