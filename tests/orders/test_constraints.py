import pytest
from django.db import IntegrityError
from django.db.models import F

from orders.models import Order, OrderLine
from tests.orders.factories import CustomerFactory, OrderFactory, OrderLineFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_two_customers_cannot_share_an_email_in_different_letter_case():
    CustomerFactory(email="Mueller@example.com")

    with pytest.raises(IntegrityError):
        CustomerFactory(email="mueller@EXAMPLE.com")


def test_the_failed_code_counter_cannot_go_below_zero(store):
    order = OrderFactory(pickup_store=store)

    with pytest.raises(IntegrityError):
        Order.objects.filter(pk=order.pk).update(
            pickup_code_failed_attempts=F("pickup_code_failed_attempts") - 1
        )


@pytest.mark.parametrize(
    "values",
    [
        {"quantity": 0},
        {"quantity_picked": 2},
        {"quantity_collected": 2},
        {"quantity_cancelled": 2},
        {"quantity_sourcing": 2},
        {"unit_price": -1},
    ],
)
def test_order_line_quantities_stay_within_the_ordered_quantity(store, values):
    line = OrderLineFactory(order__pickup_store=store, quantity=1)

    with pytest.raises(IntegrityError):
        OrderLine.objects.filter(pk=line.pk).update(**values)


def test_a_customer_preferring_sms_needs_a_phone_number():
    with pytest.raises(IntegrityError):
        CustomerFactory(preferred_channel="sms", phone="")
