"""Order messages read only the order's fields they show (orders.selectors.MESSAGE_ORDER_FIELDS,
MESSAGE_LINE_FIELDS): every message template renders from the context without another query, so
a template that starts to show a field not read fails here instead of costing a query per
message."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from messaging.models import Notification
from messaging.rendering import message_context
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
