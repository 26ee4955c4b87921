"""The customer's confirmation of a refund return: queued with the case on the channels chosen at
checkout, in the customer's language, with the RMA number, how the item comes back and that the
refund follows its arrival; never for an exchange or a hand-in at the counter."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from messaging import sms
from messaging.models import Notification
from messaging.services import notification_deliver
from returns.services import (
    ReturnLineInput,
    courier_booking_book,
    return_open,
)
from tests.hotline.scenario import exchange_of, hand_in_at_counter, order_collect
from tests.returns.test_exchange_open import collection as courier_window
from tests.returns.test_refund_returns_api import collection, post_return, refund_body

pytestmark = pytest.mark.django_db

PASSAU_MITTE = {
    "code": "PAS-01",
    "name": "Passau Mitte",
    "street": "Bahnhofstraße 1",
    "postcode": "94032",
    "city": "Passau",
}


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.sandbox_outbox.clear()


def _open(order, by, *, date=None):
    return return_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="not_wanted",
        opened_by="agent",
        by=by,
        collection=courier_window(date) if date else None,
    )


def _confirmations(order):
    return list(
        Notification.objects.filter(order=order, template="return_opened").order_by("channel")
    )


def test_a_refund_return_collected_by_courier_queues_one_confirmation_with_the_window(
    collected_order, agent, tomorrow
):
    case = _open(collected_order, agent, date=tomorrow)

    [message] = _confirmations(collected_order)
    assert (message.channel, message.language, message.status, message.idempotency_key) == (
        "email",
        "de",
        "queued",
        f"case:{case.number}:opened:email",
    )
    assert message.customer_id == collected_order.customer_id
    assert message.context == {
        "case_number": case.number,
        "return_by": "courier",
        "pickup_date": tomorrow.isoformat(),
        "window_start": "09:00",
        "window_end": "12:00",
        "items": [{"quantity": 1, "name": "Akku-Bohrschrauber 18V"}],
        "refund_amount": "89.90",
    }


def test_a_refund_return_the_customer_brings_queues_one_confirmation_naming_the_store(
    collected_order, agent
):
    case = _open(collected_order, agent)

    [message] = _confirmations(collected_order)
    assert (message.channel, message.language, message.idempotency_key) == (
        "email",
        "de",
        f"case:{case.number}:opened:email",
    )
    assert message.context == {
        "case_number": case.number,
        "return_by": "store",
        "return_store": PASSAU_MITTE,
        "items": [{"quantity": 1, "name": "Akku-Bohrschrauber 18V"}],
        "refund_amount": "89.90",
    }


def test_the_confirmation_goes_on_each_channel_chosen_at_checkout_in_the_customers_language(
    passau, drill, clerk, agent, tomorrow
):
    order = order_collect(
        store=passau, products=[drill], clerk=clerk, language="en", notify_by=("email", "sms")
    )

    case = _open(order, agent, date=tomorrow)

    assert [(row.channel, row.language, row.idempotency_key) for row in _confirmations(order)] == [
        ("email", "en", f"case:{case.number}:opened:email"),
        ("sms", "en", f"case:{case.number}:opened:sms"),
    ]


def test_a_shopper_who_chose_only_sms_gets_the_confirmation_only_by_sms(
    passau, drill, clerk, agent
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, notify_by=("sms",))

    _open(order, agent)

    assert [row.channel for row in _confirmations(order)] == ["sms"]


def test_the_api_queues_the_confirmation_once_however_often_a_request_is_retried(
    collected_order, agent, tomorrow
):
    body = refund_body(collected_order, collection=collection(tomorrow))

    first = post_return(agent, body, **{"Idempotency-Key": "return-once"})
    again = post_return(agent, body, **{"Idempotency-Key": "return-once"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"]
    [message] = _confirmations(collected_order)
    assert message.context["case_number"] == first.json()["number"]


def test_a_return_brought_to_the_store_through_the_api_is_confirmed_too(collected_order, agent):
    response = post_return(agent, refund_body(collected_order))

    [message] = _confirmations(collected_order)
    assert response.status_code == 201
    assert (message.context["case_number"], message.context["return_by"]) == (
        response.json()["number"],
        "store",
    )


def test_an_exchange_still_sends_only_the_exchange_confirmation(collected_order, agent):
    opened = exchange_of(collected_order, by=agent)

    templates = Notification.objects.filter(order=collected_order).values_list(
        "template", flat=True
    )

    assert list(templates.filter(template__in=["exchange_opened", "return_opened"])) == [
        "exchange_opened"
    ]
    assert Notification.objects.get(template="exchange_opened").context["case_number"] == (
        opened.case.number
    )


def test_an_item_handed_in_at_the_counter_gets_no_opening_confirmation(
    collected_order, clerk, passau
):
    hand_in_at_counter(collected_order, clerk=clerk, store=passau)

    assert _confirmations(collected_order) == []


def _send(message: Notification) -> None:
    assert notification_deliver(notification_id=message.pk) == "sent"


@pytest.mark.parametrize(
    ("language", "window", "refund"),
    [
        ("de", "zwischen 09:00 und 12:00 Uhr", "erstatten wir Ihnen 89,90 EUR"),
        ("en", "between 09:00 and 12:00", "we refund you 89.90 EUR"),
    ],
)
def test_the_courier_confirmation_gives_the_rma_the_order_the_window_and_the_refund(
    passau, drill, clerk, agent, tomorrow, language, window, refund
):
    order = order_collect(
        store=passau, products=[drill], clerk=clerk, language=language, notify_by=("email", "sms")
    )
    case = _open(order, agent, date=tomorrow)
    email, text_message = _confirmations(order)
    with translation.override(language):
        day = date_format(tomorrow, "DATE_FORMAT")
        short_day = date_format(tomorrow, "SHORT_DATE_FORMAT")

    _send(email)
    _send(text_message)

    mailed = mail.outbox[-1]
    for text in (mailed.body, mailed.alternatives[0][0]):
        for expected in (case.number, order.number, day, "09:00", "12:00", "89"):
            assert expected in text
    assert case.number in mailed.subject
    assert f"{day} {window}" in mailed.body
    assert refund in mailed.body
    assert tomorrow.isoformat() not in mailed.subject + mailed.body
    [texted] = sms.sandbox_outbox
    assert case.number in texted.body
    assert f"{short_day} 09:00-12:00" in texted.body
    assert len(texted.body) <= 160


@pytest.mark.parametrize(
    ("language", "bring"),
    [
        (
            "de",
            "Bitte bringen Sie den Artikel in den Markt Passau Mitte, "
            "Bahnhofstraße 1, 94032 Passau",
        ),
        ("en", "Please bring the item to Passau Mitte, Bahnhofstraße 1, 94032 Passau"),
    ],
)
def test_the_store_confirmation_names_the_store_and_its_address(
    passau, drill, clerk, agent, language, bring
):
    order = order_collect(
        store=passau, products=[drill], clerk=clerk, language=language, notify_by=("email", "sms")
    )
    case = _open(order, agent)
    email, text_message = _confirmations(order)

    _send(email)
    _send(text_message)

    mailed = mail.outbox[-1]
    assert bring in mailed.body
    assert "Passau Mitte" in mailed.alternatives[0][0]
    assert case.number in mailed.subject
    [texted] = sms.sandbox_outbox
    assert case.number in texted.body
    assert "Passau Mitte" in texted.body
    assert len(texted.body) <= 160


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Return confirmation sent"), ("de", "Rücksendebestätigung versendet")],
)
def test_the_hotline_journey_shows_the_return_confirmation_sent(
    client, collected_order, agent, language, title
):
    _open(collected_order, agent)
    [message] = _confirmations(collected_order)
    _send(message)
    client.force_login(agent)

    response = client.get(
        reverse("hotline:customer", args=[collected_order.customer_id]),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    [row] = [row for row in response.context["timeline"] if row.kind == "message_return_opened"]
    assert (row.channel, row.title) == ("email", title)
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("language", "wording", "never"),
    [("de", "der Kurier für Ihre Rücksendung", "Umtausch"), ("en", "for your return", "exchange")],
)
def test_the_courier_booked_message_of_a_refund_return_calls_it_a_return(
    passau, drill, clerk, agent, tomorrow, language, wording, never
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, language=language)
    case = _open(order, agent, date=tomorrow)
    courier_booking_book(booking_id=case.courier_bookings.get().pk)
    booked = Notification.objects.get(template="courier_booked")

    _send(booked)

    mailed = mail.outbox[-1]
    assert f"{wording} {case.number}" in mailed.body
    assert never not in mailed.body + mailed.alternatives[0][0]


@pytest.mark.parametrize("chosen", [("sms",), ("email",), ("email", "sms")])
def test_the_exchange_and_courier_messages_go_on_the_channels_chosen_at_checkout(
    passau, drill, clerk, agent, chosen
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, notify_by=chosen)

    opened = exchange_of(order, by=agent)
    courier_booking_book(booking_id=opened.booking.pk)

    for template in ("exchange_opened", "courier_booked"):
        sent_on = Notification.objects.filter(order=order, template=template).order_by("channel")
        assert [row.channel for row in sent_on] == sorted(chosen), template
