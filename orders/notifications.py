"""Rendering and sending one queued message: e-mail through Django's mail (text and HTML), SMS
through the SMS backend. Secrets (the pickup code, the order link's token) are derived here, at
send time, and never written to the outbox row."""

import zoneinfo
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from inventory.selectors import product_list_accessories_available
from orders.models import Channel, Notification, Order
from orders.selectors import order_access_token_for_messages, order_pickup_code_for_shopper
from orders.sms import SmsMessage, sms_backend

# Messages that carry the pickup code make sense only while the order waits at the counter.
NEEDS_READY = {"ready", "reminder"}
ACCESSORIES_SHOWN = 3
WEEKDAYS = {
    "de": ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


class MessageNotApplicable(Exception):  # noqa: N818
    """The message no longer fits the order (e.g. the ready message of a cancelled order)."""


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


def message_context(notification: Notification) -> dict:
    context = {
        "customer": notification.customer,
        "language": notification.language,
        **notification.context,
    }
    order = notification.order
    if order is None:
        return context
    order = Order.objects.select_related("pickup_store").get(pk=order.pk)
    lines = list(order.lines.select_related("product").order_by("pk"))
    store = order.pickup_store
    context.update(
        order=order,
        lines=lines,
        store=store,
        order_url=order_url(order),
        ready_by=_local(order.ready_by, order),
        hold_until=_local(order.hold_until, order),
    )
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
            accessories=_accessories(order, lines),
        )
    return context


def _template(notification: Notification, part: str) -> str:
    return f"orders/messages/{notification.language}/{notification.template}.{part}"


def message_send(notification: Notification) -> str:
    """Sends the message once through its channel; returns the provider's message id."""
    context = message_context(notification)
    with translation.override(notification.language):
        if notification.channel == Channel.SMS:
            body = render_to_string(_template(notification, "sms.txt"), context).strip()
            return sms_backend().send(
                SmsMessage(
                    to=notification.customer.phone,
                    body=body,
                    idempotency_key=notification.idempotency_key,
                )
            )
        subject = " ".join(
            render_to_string(_template(notification, "subject.txt"), context).split()
        )
        text = render_to_string(_template(notification, "txt"), context)
        html = render_to_string(
            "orders/messages/email.html",
            {**context, "body": render_to_string(_template(notification, "html"), context)},
        )
    message_id = make_msgid(domain="click-and-collect")
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.customer.email],
        headers={"Message-ID": message_id, "X-Idempotency-Key": notification.idempotency_key},
    )
    email.attach_alternative(html, "text/html")
    email.send()
    return message_id
