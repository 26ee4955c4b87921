"""The template context of order messages (confirmation, ready, reminder, accessories…),
registered with messaging when the app is ready. Secrets (the pickup code, the order link's
token) are derived here, at send time, and never written to the outbox row."""

import zoneinfo

from django.conf import settings
from django.utils import timezone

from inventory.selectors import product_list_accessories_available
from messaging.models import Notification
from messaging.rendering import MessageNotApplicable
from messaging.services import promotion_allowed
from orders.models import Order
from orders.selectors import (
    order_access_token_for_messages,
    order_get_for_message,
    order_payment_status,
    order_pickup_code_for_shopper,
)

# Messages that carry the pickup code make sense only while the order waits at the counter.
NEEDS_READY = {"ready", "reminder"}
ACCESSORIES_SHOWN = 3
WEEKDAYS = {
    "de": ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


def order_url(order: Order) -> str:
    token = order_access_token_for_messages(order=order)
    return f"{settings.SHOP_BASE_URL.rstrip('/')}/orders/{order.number}/?token={token}"


def _local(value, order: Order):
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(order.pickup_store.timezone))


def _accessories(order: Order, lines) -> list:
    ordered = {line.product_id for line in lines}
    found = {}
    for line in lines:
        for product in product_list_accessories_available(
            product=line.product, store_id=order.pickup_store_id, limit=ACCESSORIES_SHOWN
        ):
            if product.pk not in ordered:
                found.setdefault(product.pk, product)
        if len(found) >= ACCESSORIES_SHOWN:
            break
    return list(found.values())[:ACCESSORIES_SHOWN]


def order_message_context(notification: Notification) -> dict:
    """The order, its lines, store, link and times; the pickup code for messages that need it.
    Raises MessageNotApplicable when the message no longer fits the order."""
    if notification.order_id is None:
        return {}
    order, lines = order_get_for_message(order_id=notification.order_id)
    if order.customer_id == notification.customer_id:
        # The notification came with its customer: not read a second time.
        order.customer = notification.customer
    store = order.pickup_store
    context = {
        "order": order,
        "lines": lines,
        "store": store,
        "order_url": order_url(order),
        "ready_by": _local(order.ready_by, order),
        "pickup_slot": _local(order.pickup_slot, order),
        "pickup_slot_end": _local(order.pickup_slot_ends_at, order),
        # A reminder days after the slot says it was booked, not that it is still to come.
        "pickup_slot_passed": order.pickup_slot_ends_at is not None
        and order.pickup_slot_ends_at <= timezone.now(),
        # How the payment stands, the same words as the order page (orders.payment_status).
        "payment_text": order_payment_status(order=order).text,
        "hold_until": _local(order.hold_until, order),
    }
    if notification.template == "accessories":
        accessories = _accessories(order, lines)
        if not accessories:
            raise MessageNotApplicable("no accessories in stock at the store")
        context["accessories"] = accessories
    if notification.template in NEEDS_READY:
        code = order_pickup_code_for_shopper(order=order)
        if code is None:
            raise MessageNotApplicable(f"order is {order.state}")
        names = WEEKDAYS.get(notification.language, WEEKDAYS["en"])
        context.update(
            pickup_code=code,
            opening_hours=[
                {"day": names[hours.weekday], "opens": hours.opens, "closes": hours.closes}
                for hours in store.opening_hours.order_by("weekday")
            ],
            # Suggestions are advertising: only for a customer who agreed to promotions on
            # this channel and is under the weekly cap of promotions, even inside a
            # transactional message.
            accessories=_accessories(order, lines)
            if promotion_allowed(
                customer=order.customer, channel=notification.channel, now=timezone.now()
            )
            else [],
        )
    return context
