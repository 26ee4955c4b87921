"""Order messages read only the fields they show (orders.selectors.MESSAGE_FIELDS), in one
statement: every message template renders from the context without another query, so a template
that starts to show a field not read fails here instead of costing a query per message."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from messaging.models import Notification
from messaging.rendering import message_context
from orders.models import Order
from orders.selectors import order_get_for_message
from orders.services import LineInput, order_mark_ready, order_start_picking

pytestmark = pytest.mark.django_db

MESSAGES = Path(settings.BASE_DIR) / "templates" / "orders" / "messages"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_order_message_renders_from_the_fields_read_without_another_query(
    place, stocked, clerk, language, django_assert_num_queries
):
    order = place(
        lines=[LineInput(sku="DRILL-18V", quantity=1), LineInput(sku="BITS-32", quantity=2)]
    ).order
    order_start_picking(order=order, by=clerk)
    order_mark_ready(order=order, by=clerk)
    notification = Notification.objects.select_related("customer").get(
        order=order, template="ready", channel="email"
    )
    notification.language = language
    context = message_context(notification)
    templates = sorted((MESSAGES / language).iterdir())

    with translation.override(language), django_assert_num_queries(0):
        rendered = {
            path.name: render_to_string(f"orders/messages/{language}/{path.name}", context)
            for path in templates
        }

    assert len(rendered) == 60
    assert "2 × " in rendered["confirmation.txt"]
    assert "BITS-32" in rendered["confirmation.html"]
    assert context["payment_text"]
    assert context["pickup_code"]


def test_an_order_is_read_for_its_messages_with_store_payment_and_lines_in_one_statement(
    place, stocked, django_assert_num_queries
):
    order = place(
        lines=[LineInput(sku="DRILL-18V", quantity=1), LineInput(sku="BITS-32", quantity=2)]
    ).order
    payment_state = order.payment.state

    with django_assert_num_queries(1):
        read, lines = order_get_for_message(order_id=order.pk)
        seen = (
            read.number,
            read.total,
            read.pickup_store.name,
            read.payment.state,
            [(line.quantity, line.product.sku, line.order is read) for line in lines],
        )

    assert seen == (
        order.number,
        order.total,
        "Passau Mitte",
        payment_state,
        [(1, "DRILL-18V", True), (2, "BITS-32", True)],
    )


def test_an_order_without_payment_is_read_for_its_messages_without_asking_for_one(
    place, stocked, django_assert_num_queries
):
    order = place(payment_method="pay_in_store").order

    with django_assert_num_queries(1):
        read, lines = order_get_for_message(order_id=order.pk)
        has_payment = hasattr(read, "payment")

    assert (read.number, has_payment, len(lines)) == (order.number, False, 1)


def test_a_gone_order_is_not_read_for_a_message(db):
    with pytest.raises(Order.DoesNotExist):
        order_get_for_message(order_id=999_999)
