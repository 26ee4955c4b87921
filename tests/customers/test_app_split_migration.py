"""Customers, messages and payments left the orders app; the migration moves models, not rows."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE_SPLIT = [
    ("orders", "0003_alter_customer_options_alter_notification_options_and_more"),
    ("returns", "0003_alter_courierbooking_options_and_more"),
    ("customers", None),
    ("messaging", None),
    ("payments", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def _rows_before_split(old) -> dict:
    now = timezone.now()
    store = old.get_model("stores", "Store").objects.create(
        code="PAS-01",
        name="Passau",
        street="Bahnhofstraße 1",
        postcode="94032",
        city="Passau",
        latitude=48.5665,
        longitude=13.4312,
    )
    customer = old.get_model("orders", "Customer").objects.create(
        email="mueller@example.com", name="Frau Müller", phone="+49851123456"
    )
    order = old.get_model("orders", "Order").objects.create(
        number="MIGR0001",
        access_token_salt="salt",
        access_token_hash="hash",
        customer=customer,
        pickup_store=store,
        payment_method="card",
        subtotal=Decimal("89.00"),
        total=Decimal("89.00"),
        placed_at=now,
    )
    payment = old.get_model("orders", "Payment").objects.create(
        order=order, amount=Decimal("89.00"), gateway="sandbox", state="authorized"
    )
    side_effect = old.get_model("orders", "SideEffect").objects.create(
        order=order,
        kind="payment_capture",
        idempotency_key="capture:MIGR0001",
        next_attempt_at=now,
        attempts=2,
    )
    notification = old.get_model("orders", "Notification").objects.create(
        order=order,
        customer=customer,
        channel="email",
        template="ready",
        language="de",
        idempotency_key="ready:MIGR0001:email",
        next_attempt_at=now + datetime.timedelta(minutes=5),
        status="sent",
        provider_id="<id@example>",
    )
    return {
        "customer": customer.pk,
        "order": order.pk,
        "payment": payment.pk,
        "side_effect": side_effect.pk,
        "notification": notification.pk,
    }


def test_moving_customers_messages_and_payments_out_of_orders_keeps_every_row():
    old = _migrate(BEFORE_SPLIT)
    ids = _rows_before_split(old)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    customer = current_apps.get_model("customers", "Customer").objects.get(pk=ids["customer"])
    order = current_apps.get_model("orders", "Order").objects.get(pk=ids["order"])
    payment = current_apps.get_model("payments", "Payment").objects.get(pk=ids["payment"])
    side_effect = current_apps.get_model("payments", "SideEffect").objects.get(
        pk=ids["side_effect"]
    )
    notification = current_apps.get_model("messaging", "Notification").objects.get(
        pk=ids["notification"]
    )
    assert (customer.email, customer.phone) == ("mueller@example.com", "+49851123456")
    assert order.customer_id == customer.pk
    assert (payment.order_id, payment.state, payment.amount) == (
        order.pk,
        "authorized",
        Decimal("89.00"),
    )
    assert (side_effect.order_id, side_effect.kind, side_effect.attempts) == (
        order.pk,
        "payment_capture",
        2,
    )
    assert (notification.customer_id, notification.order_id, notification.status) == (
        customer.pk,
        order.pk,
        "sent",
    )
    assert list(customer.orders.values_list("number", flat=True)) == ["MIGR0001"]
