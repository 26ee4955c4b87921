from decimal import Decimal

import factory

from inventory.models import Product, StockLevel
from tests.stores.factories import StoreFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.LazyAttribute(lambda product: f"Product {product.sku}")
    price = Decimal("19.99")


class StockLevelFactory(factory.django.DjangoModelFactory):
    """A stock row as a bare fact. Tests that need ledger history receive stock through the
    inventory services instead, so that reconcile sees a consistent ledger."""

    class Meta:
        model = StockLevel

    store = factory.SubFactory(StoreFactory)
    product = factory.SubFactory(ProductFactory)
    on_hand = 10
    reserved = 0
    safety_stock = 0
