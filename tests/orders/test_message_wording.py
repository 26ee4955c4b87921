"""Messages keep their promises: the store named so any store's name reads right, dates in the
reader's language, the counter called as the order page calls it, the shop's real address in
every link, and no advertising without consent."""

import pytest
from django.core import mail
from django.utils import translation

from customers.models import Customer
from customers.services import CustomerInput
from messaging.models import Notification
from messaging.services import notification_deliver, notification_queue
from orders.services import order_mark_ready, order_start_picking
from tests.inventory.factories import ProductFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


def _deliver(template: str) -> mail.EmailMessage:
    notification = Notification.objects.get(template=template, channel="email")
    notification_deliver(notification_id=notification.pk)
    return mail.outbox[-1]


def _ready(place, clerk, **overrides):
    order = place(**overrides).order
    order_start_picking(order=order, by=clerk)
    return order_mark_ready(order=order, by=clerk)


def test_the_german_confirmation_names_the_store_without_a_preposition_before_its_name(
    place, stocked
):
    place()

    message = _deliver("confirmation")

    assert "Abholung: Passau Mitte, " in message.body
    assert " in Passau Mitte" not in message.body
    assert "zur Abholung in" not in message.alternatives[0][0]


def test_the_ready_mail_calls_the_counter_what_the_order_page_calls_it(place, stocked, clerk):
    _ready(place, clerk)

    message = _deliver("ready")

    with translation.override("de"):
        page = translation.gettext("Show this code or the QR code at the pickup counter.")
    assert "Abholtheke" in page
    assert "Nennen Sie ihn an der Abholtheke" in message.body
    assert "Kasse" not in message.body


@pytest.mark.parametrize(
    ("language", "date"),
    [("de", "am 4. Dezember 2026 zwischen 09:00 und 12:00 Uhr"), ("en", "Dec. 4, 2026")],
)
def test_the_courier_mail_gives_the_date_in_the_readers_language_never_iso(
    place, stocked, language, date
):
    order = place(
        customer=CustomerInput(email="k@example.com", name="Kim", language=language)
    ).order
    notification_queue(
        customer=Customer.objects.get(pk=order.customer_id),
        template="courier_booked",
        key="courier-date-test",
        order=order,
        context={
            "case_number": "RMA-TEST01",
            "pickup_date": "2026-12-04",
            "window_start": "09:00",
            "window_end": "12:00",
            "tracking_number": "SBX123",
        },
    )

    message = _deliver("courier_booked")

    assert date in message.body
    assert "2026-12-04" not in message.subject + message.body + message.alternatives[0][0]


def test_english_messages_give_dates_in_english_never_iso(place, stocked, clerk):
    order = _ready(
        place, clerk, customer=CustomerInput(email="k@example.com", name="Kim", language="en")
    )

    message = _deliver("ready")

    assert order.hold_until.strftime("%Y-%m-%d") not in message.body


def test_every_link_in_a_message_starts_with_the_shops_configured_address(
    place, stocked, clerk, settings
):
    settings.SHOP_BASE_URL = "http://127.0.0.1:8123"
    order = _ready(place, clerk)

    message = _deliver("ready")

    assert f"http://127.0.0.1:8123/orders/{order.number}/?token=" in message.body
    assert "localhost:8000" not in message.body + message.alternatives[0][0]


@pytest.fixture
def accessories_in_stock(store, drill):
    for index, name in enumerate(["Akku 18V 4,0 Ah", "Bit-Set 32-tlg."]):
        accessory = ProductFactory(sku=f"ACC-{index}", name=name, price="19.99")
        drill.accessories.add(accessory)
        StockLevelFactory(store=store, product=accessory, on_hand=5)


def test_the_ready_mail_of_a_replacement_advertises_nothing_without_marketing_consent(
    place, stocked, clerk, accessories_in_stock
):
    _ready(place, clerk, kind="replacement")

    message = _deliver("ready")

    assert "Passend dazu" not in message.body
    assert "Akku 18V 4,0 Ah" not in message.body + message.alternatives[0][0]


def test_the_ready_mail_suggests_accessories_only_to_a_customer_who_agreed_to_promotions(
    place, stocked, clerk, accessories_in_stock
):
    order = _ready(place, clerk)
    Customer.objects.filter(pk=order.customer_id).update(email_promotions_consent=True)

    message = _deliver("ready")

    assert "- Akku 18V 4,0 Ah (19,99 EUR)" in message.body


@pytest.mark.parametrize(
    ("suggested", "later_offer_status"), [(True, "suppressed"), (False, "queued")]
)
def test_a_ready_mail_counts_against_the_weekly_cap_of_promotions_only_when_it_suggests_accessories(
    place, stocked, clerk, settings, request, suggested, later_offer_status
):
    settings.PROMOTIONS_MAX_PER_WEEK = 1
    if suggested:
        request.getfixturevalue("accessories_in_stock")
    order = _ready(place, clerk)
    Customer.objects.filter(pk=order.customer_id).update(email_promotions_consent=True)
    _deliver("ready")

    later_offer = notification_queue(
        customer=Customer.objects.get(pk=order.customer_id),
        template="accessories",
        key="later-offer",
        promotional=True,
    )

    assert [notification.status for notification in later_offer] == [later_offer_status]


def test_a_shopper_who_chose_sms_gets_the_ready_message_on_both_channels(place, stocked, clerk):
    order = _ready(
        place,
        clerk,
        customer=CustomerInput(email="s@example.com", name="S", phone="0851 12345"),
        notify_by=["email", "sms"],
    )

    rows = Notification.objects.filter(order=order, template="ready")

    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    assert Customer.objects.get(pk=order.customer_id).phone == "+4985112345"


def test_a_shopper_who_chose_only_sms_gets_no_mail_about_the_order(place, stocked, clerk):
    order = _ready(
        place,
        clerk,
        customer=CustomerInput(email="s@example.com", name="S", phone="0170 12345678"),
        notify_by=["sms"],
    )

    channels = set(Notification.objects.filter(order=order).values_list("channel", flat=True))

    assert channels == {"sms"}


def test_the_ready_mail_suggests_no_accessories_to_a_customer_at_the_weekly_cap_of_promotions(
    place, stocked, clerk, accessories_in_stock, settings
):
    settings.PROMOTIONS_MAX_PER_WEEK = 1
    order = _ready(place, clerk)
    customer = Customer.objects.get(pk=order.customer_id)
    Customer.objects.filter(pk=customer.pk).update(email_promotions_consent=True)
    customer.email_promotions_consent = True
    notification_queue(
        customer=customer, template="accessories", key="earlier-offer", promotional=True
    )

    message = _deliver("ready")

    assert "Akku 18V 4,0 Ah" not in message.body + message.alternatives[0][0]
    assert "Ihr Abholcode: " in message.body


def test_the_confirmation_of_a_replacement_says_it_is_free_not_pay_in_store(place, stocked):
    place(kind="replacement", channel="hotline", payment_method="pay_in_store")

    message = _deliver("confirmation")

    assert "Kostenloser Ersatz: nichts zu bezahlen." in message.body
    assert "Kostenloser Ersatz: nichts zu bezahlen." in message.alternatives[0][0]
    assert "Bezahlung im Markt" not in message.body
