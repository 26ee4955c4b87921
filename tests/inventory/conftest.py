"""The two stores and two products most inventory tests need; rows only, no stock."""

import pytest

from tests.inventory.factories import ProductFactory
from tests.stores.factories import StoreFactory


@pytest.fixture
def passau():
    return StoreFactory(code="PAS-01")


@pytest.fixture
def store(passau):
    return passau


@pytest.fixture
def munich():
    return StoreFactory(code="MUC-01")


@pytest.fixture
def drill():
    return ProductFactory(sku="DRILL-18V")


@pytest.fixture
def bits():
    return ProductFactory(sku="BITS-32")
