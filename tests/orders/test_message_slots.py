"""The booked pickup time in the messages about an order, in the reader's language and date
formats, and the product named in the reader's language."""

import pytest
from django.core import mail

from customers.services import CustomerInput
from inventory.models import Product
from messaging import sms
from messaging.models import Notification
from messaging.services import notification_deliver
from orders.services import order_mark_ready, order_remind, order_start_picking
from tests.support.clock import STORY_MORNING, berlin, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.sandbox_outbox.clear()


def _deliver(order, template: str) -> None:
    for notification in Notification.objects.filter(order=order, template=template):
        notification_deliver(notification_id=notification.pk)


def _ready_at_noon(place, clerk, monkeypatch, language: str):
    order = place(
        now=STORY_MORNING,
        pickup_slot=berlin(3, 18),
        customer=CustomerInput(
            email="maria@example.com", name="Maria", phone="0170 1234567", language=language
        ),
        notify_by=["email", "sms"],
    ).order
    freeze(monkeypatch, berlin(3, 12))
    order_start_picking(order=order, by=clerk)
    return order_mark_ready(order=order, by=clerk)


def test_the_german_reminder_after_the_slot_says_which_time_was_booked_with_german_dates(
    place, stocked, clerk, monkeypatch
):
    order = _ready_at_noon(place, clerk, monkeypatch, "de")
    freeze(monkeypatch, berlin(9, 12))
    order_remind(order_id=order.pk)

    _deliver(order, "reminder")

    body = mail.outbox[-1].body
    assert "wartet noch bis Do, 10.12.2026, 12:00 Uhr auf Sie (Passau Mitte)" in body
    assert "Sie hatten die Abholzeit Do, 03.12.2026, 18:00–19:00 Uhr gebucht" in body
    assert "Abholzeit: " not in sms.sandbox_outbox[-1].body
    assert "bis Do, 10.12.2026, 12:00 Uhr" in sms.sandbox_outbox[-1].body


def test_a_reminder_before_the_slot_gives_the_pickup_time_on_every_channel(
    place, stocked, clerk, monkeypatch, store, settings
):
    store.pickup_hold_days = 1
    store.save(update_fields=["pickup_hold_days"])
    settings.ORDER_REMINDER_HOURS_BEFORE_EXPIRY = 23
    order = _ready_at_noon(place, clerk, monkeypatch, "en")
    freeze(monkeypatch, berlin(3, 13))
    order_remind(order_id=order.pk)

    _deliver(order, "reminder")

    assert "Your pickup time: Thu, 3 Dec 2026, 18:00–19:00." in mail.outbox[-1].body
    assert "Your pickup time: Thu, 3 Dec 2026, 18:00–19:00." in (mail.outbox[-1].alternatives[0][0])
    assert "Pickup time: Thu, 3 Dec 2026, 18:00–19:00." in sms.sandbox_outbox[-1].body


def test_the_confirmation_and_ready_sms_carry_the_pickup_time_and_the_ready_sms_the_code(
    place, stocked, clerk, monkeypatch
):
    order = _ready_at_noon(place, clerk, monkeypatch, "de")

    _deliver(order, "confirmation")
    _deliver(order, "ready")

    confirmation, ready = (message.body for message in sms.sandbox_outbox)
    assert confirmation.startswith(
        f"Bestellung {order.number} eingegangen. Abholzeit: Do, 03.12.2026, 18:00–19:00 Uhr."
    )
    assert "Abholzeit: Do, 03.12.2026, 18:00–19:00 Uhr. Abholcode: " in ready
    assert "Ihre Abholzeit: Do, 03.12.2026, 18:00–19:00 Uhr." in mail.outbox[-1].body


def test_an_english_confirmation_names_the_product_in_english_a_german_one_in_german(
    place, stocked, drill
):
    Product.objects.filter(pk=drill.pk).update(name_en="Cordless drill driver 18V")
    english = place(
        customer=CustomerInput(email="kim@example.com", name="Kim", language="en")
    ).order
    german = place(customer=CustomerInput(email="eva@example.com", name="Eva")).order

    _deliver(english, "confirmation")
    _deliver(german, "confirmation")

    assert "- 1 × Cordless drill driver 18V (DRILL-18V)" in mail.outbox[0].body
    assert "Cordless drill driver 18V" in mail.outbox[0].alternatives[0][0]
    assert "- 1 × Akku-Bohrschrauber 18V (DRILL-18V)" in mail.outbox[1].body
