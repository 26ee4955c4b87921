import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from customers.models import Customer
from orders import codes
from orders.models import Order, OrderLine
from tests.inventory.factories import ProductFactory
from tests.stores.factories import StoreFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    name = "Frau Müller"
    language = "de"


class OrderFactory(factory.django.DjangoModelFactory):
    """An order row in any state, as a bare fact; flows that need stock use order_place."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"TEST{n:04d}")
    access_token_salt = factory.LazyFunction(codes.salt_generate)
    access_token_hash = factory.LazyAttribute(
        lambda order: codes.access_token_hash(
            codes.access_token_derive(number=order.number, salt=order.access_token_salt)
        )
    )
    customer = factory.SubFactory(CustomerFactory)
    pickup_store = factory.SubFactory(StoreFactory)
    payment_method = Order.PaymentMethod.PAY_IN_STORE
    subtotal = Decimal("19.99")
    total = Decimal("19.99")
    placed_at = factory.LazyFunction(timezone.now)

    class Params:
        ready = factory.Trait(
            state=Order.State.READY_FOR_PICKUP,
            pickup_code_salt=factory.LazyFunction(codes.salt_generate),
            pickup_code_version=1,
            hold_until=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7)),
        )


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("19.99")
