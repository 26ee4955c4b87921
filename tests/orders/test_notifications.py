import datetime

import pytest
from django.core import mail
from django.utils import timezone

from customers.models import Customer
from customers.services import CustomerInput
from messaging import sms
from messaging.models import Notification
from messaging.services import notification_deliver, notification_queue
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_cancel, order_mark_ready, order_start_picking
from outbox.services import TransientDeliveryError
from payments.sepa import SepaInput
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.orders.factories import CustomerFactory
from tests.support.clock import STORY_MORNING, berlin

pytestmark = pytest.mark.django_db


def _deliver(template: str, channel: str = "email") -> str:
    notification = Notification.objects.get(template=template, channel=channel)
    return notification_deliver(notification_id=notification.pk)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.sandbox_outbox.clear()


def test_the_confirmation_email_links_the_order_page_with_its_secret_token(
    place, stocked, settings
):
    settings.SHOP_BASE_URL = "https://shop.example.com"
    placed = place()

    status = _deliver("confirmation")

    assert status == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mueller@example.com"]
    assert message.subject == f"Ihre Bestellung {placed.order.number} ist eingegangen"
    link = f"https://shop.example.com/orders/{placed.order.number}/?token={placed.access_token}"
    assert link in message.body
    assert link.replace("&", "&amp;") in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    notification = Notification.objects.get()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert notification.provider_id == message.extra_headers["Message-ID"]
    assert placed.access_token not in str(notification.context)


def test_an_english_speaking_customer_gets_the_english_message(place, stocked):
    placed = place(customer=CustomerInput(email="smith@example.com", name="Ann", language="en"))

    _deliver("confirmation")

    assert mail.outbox[0].subject == f"Your order {placed.order.number} has been received"
    assert "Total: 89.90 EUR – Card: the amount is reserved on your card and charged only when" in (
        mail.outbox[0].body
    )


def test_the_ready_message_carries_the_code_the_hours_and_three_accessories_in_stock(
    place, store, stocked, drill, clerk
):
    for index, name in enumerate(["Akku 2Ah", "Akku 4Ah", "Koffer", "Ladegerät"]):
        accessory = ProductFactory(sku=f"ACC-{index}", name=name, price="10.00")
        drill.accessories.add(accessory)
        StockLevelFactory(store=store, product=accessory, on_hand=0 if index == 1 else 3)
    order = place().order
    Customer.objects.filter(pk=order.customer_id).update(email_promotions_consent=True)
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)

    _deliver("ready")

    body = mail.outbox[0].body
    assert f"Ihr Abholcode: {order_pickup_code_for_shopper(order=order)}" in body
    assert "Mo 08:00–20:00" in body
    assert "Sa 08:00–20:00" in body
    assert "So " not in body
    assert "- Akku 2Ah" in body
    assert "- Koffer (10,00 EUR)" in body
    assert "- Ladegerät" in body
    assert "Akku 4Ah" not in body


def test_a_shopper_who_chose_sms_at_checkout_also_gets_the_ready_message_by_sms(
    place, stocked, clerk
):
    placed = place(
        customer=CustomerInput(email="sms@example.com", name="Herr Huber", phone="0170 12345678"),
        notify_by=["email", "sms"],
    )
    order_start_picking(order=placed.order, by=clerk)
    order = order_mark_ready(order=placed.order, by=clerk)

    status = _deliver("ready", channel="sms")

    code = order_pickup_code_for_shopper(order=order)
    assert status == "sent"
    assert [(message.to, message.body) for message in sms.sandbox_outbox] == [
        (
            "+4917012345678",
            f"Bestellung {order.number} liegt zur Abholung bereit (Passau Mitte). "
            f"Abholcode: {code}",
        )
    ]
    assert Notification.objects.get(template="ready", channel="sms").provider_id.startswith(
        "sandbox-sms-"
    )


def test_a_message_is_sent_once_however_often_its_task_runs(place, stocked):
    place()
    _deliver("confirmation")

    again = _deliver("confirmation")

    assert again == "sent"
    assert len(mail.outbox) == 1


def test_a_ready_message_of_an_order_cancelled_before_sending_is_suppressed(place, stocked, clerk):
    order = place().order
    order_start_picking(order=order, by=clerk)
    order_mark_ready(order=order, by=clerk)
    order_cancel(order=order, by=clerk, reason="shopper called")

    status = _deliver("ready")

    assert status == "suppressed"
    assert mail.outbox == []


def test_a_mail_server_outage_keeps_the_message_queued_for_a_later_attempt(
    place, stocked, settings
):
    settings.EMAIL_BACKEND = "tests.orders.backends.UnreachableEmailBackend"
    place()

    with pytest.raises(TransientDeliveryError):
        _deliver("confirmation")

    notification = Notification.objects.get()
    assert (notification.status, notification.attempts, notification.claimed_until) == (
        "queued",
        1,
        None,
    )
    assert notification.last_error == "ConnectionRefusedError: mail server unreachable"
    assert notification.next_attempt_at > timezone.now()


def test_retries_are_bounded_and_the_message_is_then_marked_failed(place, stocked, settings):
    settings.EMAIL_BACKEND = "tests.orders.backends.UnreachableEmailBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    place()
    with pytest.raises(TransientDeliveryError):
        _deliver("confirmation")

    status = _deliver("confirmation")

    assert status == "failed"
    assert Notification.objects.get().attempts == 2


def test_promotional_messages_need_consent(settings):
    customer = CustomerFactory(email_promotions_consent=False)

    notifications = notification_queue(
        customer=customer, template="newsletter", key="promo:1", promotional=True
    )

    assert [notification.status for notification in notifications] == ["suppressed"]


def test_promotional_messages_respect_the_weekly_frequency_cap(settings):
    settings.PROMOTIONS_MAX_PER_WEEK = 2
    customer = CustomerFactory(email_promotions_consent=True)
    now = timezone.now()

    statuses = [
        notification_queue(
            customer=customer,
            template="newsletter",
            key=f"promo:{index}",
            promotional=True,
            now=now,
        )[0].status
        for index in range(3)
    ]

    assert statuses == ["queued", "queued", "suppressed"]
    later = now + datetime.timedelta(days=8)
    Notification.objects.update(created_at=now - datetime.timedelta(days=8))
    assert (
        notification_queue(
            customer=customer, template="newsletter", key="promo:9", promotional=True, now=later
        )[0].status
        == "queued"
    )


def test_transactional_messages_go_without_any_consent(place, stocked):
    place()

    assert Notification.objects.get().status == "queued"
    assert not Customer.objects.get().email_promotions_consent


def _collect(place, clerk, **overrides):
    from orders.services import order_hand_over

    order = place(**overrides).order
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    return order_hand_over(
        order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order)
    )


def test_accessory_suggestions_after_collection_go_only_with_consent(place, stocked, clerk):
    order = _collect(place, clerk)

    suggestion = Notification.objects.get(order=order, template="accessories")

    assert (suggestion.promotional, suggestion.status) == (True, "suppressed")


def test_with_consent_the_accessory_suggestion_lists_what_the_store_has(
    place, store, stocked, drill, clerk
):
    CustomerFactory(email="mueller@example.com", email_promotions_consent=True)
    battery = ProductFactory(sku="BAT-4AH", name="Akku 4Ah", price="59.00")
    drill.accessories.add(battery)
    StockLevelFactory(store=store, product=battery, on_hand=2)
    _collect(place, clerk)

    status = _deliver("accessories")

    assert status == "sent"
    assert "- Akku 4Ah (59,00 EUR)" in mail.outbox[0].body


def test_with_consent_but_no_accessory_in_stock_the_suggestion_is_suppressed(place, stocked, clerk):
    CustomerFactory(email="mueller@example.com", email_promotions_consent=True)
    _collect(place, clerk)

    status = _deliver("accessories")

    assert status == "suppressed"
    assert mail.outbox == []


TEMPLATES = [
    "confirmation",
    "sourcing",
    "shortage",
    "ready",
    "reminder",
    "expired",
    "cancelled",
    "collected",
    "accessories",
    "ready_by_changed",
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_message_renders_in_both_languages_for_email_and_sms(
    place, store, stocked, drill, bits, clerk, template, language
):
    drill.accessories.add(bits)
    order = place(
        customer=CustomerInput(
            email="x@example.com", name="Kim", phone="+4917099999999", language=language
        )
    ).order
    Customer.objects.filter(pk=order.customer_id).update(
        preferred_channel="sms", email_promotions_consent=True, sms_promotions_consent=True
    )
    order_start_picking(order=order, by=clerk)
    order_mark_ready(order=order, by=clerk)
    context = {
        "source_store": "Regensburg Süd",
        "reason": "out_of_stock",
        "cancelled_lines": [{"sku": "BITS-32", "name": "Bit-Set", "quantity": 1}],
    }
    queued = notification_queue(
        customer=Customer.objects.get(pk=order.customer_id),
        template=template,
        key=f"render-test:{template}",
        order=order,
        context=context,
    )

    statuses = [notification_deliver(notification_id=row.pk) for row in queued]

    assert statuses == ["sent", "sent"]
    assert order.number in mail.outbox[-1].subject + mail.outbox[-1].body
    assert order.number in sms.sandbox_outbox[-1].body
    assert "{{" not in mail.outbox[-1].body


def test_the_confirmation_states_the_slot_and_the_payment_as_it_stands(place, stocked):
    place(
        now=STORY_MORNING,
        pickup_slot=berlin(3, 18),
        payment_method="sepa_debit",
        sepa=SepaInput(
            iban="DE89370400440532013000", account_holder="Frau Müller", mandate_accepted=True
        ),
    )

    _deliver("confirmation")

    body = mail.outbox[0].body
    assert "Ihre Abholzeit: Do, 03.12.2026, 18:00–19:00 Uhr." in body
    assert (
        "Summe: 89,90 EUR – Lastschrift: Der Betrag wird erst nach der Abholung von Ihrem Konto "
        "abgebucht." in body
    )


def test_a_cancelled_card_order_never_says_it_was_paid_in_its_message(place, stocked):
    placed = place(customer=CustomerInput(email="smith@example.com", name="Ann", language="en"))
    order_cancel(order=placed.order, by=None, reason="changed my mind")

    _deliver("confirmation")

    assert (
        "Total: 89.90 EUR – Card: nothing has been charged; any reservation is released."
        in mail.outbox[0].body
    )


def test_an_sms_provider_outage_keeps_the_sms_queued_and_a_later_attempt_sends_it(
    place, stocked, clerk, settings
):
    settings.SMS_BACKEND = "tests.orders.backends.UnreachableSmsBackend"
    placed = place(
        customer=CustomerInput(email="sms@example.com", name="Herr Huber", phone="0170 12345678"),
        notify_by=["email", "sms"],
    )
    order_start_picking(order=placed.order, by=clerk)
    order_mark_ready(order=placed.order, by=clerk)

    with pytest.raises(TransientDeliveryError):
        _deliver("ready", channel="sms")

    notification = Notification.objects.get(template="ready", channel="sms")
    assert (notification.status, notification.attempts) == ("queued", 1)
    assert notification.last_error == "SmsUnavailable: provider unreachable"
    assert notification.next_attempt_at > timezone.now()
    assert list(sms.sandbox_outbox) == []

    settings.SMS_BACKEND = "messaging.sms.SandboxSmsBackend"
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())

    assert _deliver("ready", channel="sms") == "sent"
    assert [message.to for message in sms.sandbox_outbox] == ["+4917012345678"]
