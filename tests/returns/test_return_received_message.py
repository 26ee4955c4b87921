"""The customer's receipt of a refund return: queued when the store receives the item, whether
handed in at the counter (the case's only message: it opens, is received and closes at once) or
brought by the courier or the customer; with what came back and the refund; never for an
exchange."""

import pytest
from django.core import mail
from django.urls import reverse

from messaging.models import Notification
from messaging.services import notification_deliver
from returns.services import (
    ReturnLineInput,
    return_open,
    return_receive,
)
from tests.hotline.scenario import (
    ONE_DRILL_RESELLABLE,
    exchange_of,
    hand_in_at_counter,
    order_collect,
)

pytestmark = pytest.mark.django_db


def _receipts(order):
    return list(
        Notification.objects.filter(order=order, template="return_received").order_by("channel")
    )


def test_an_item_handed_in_at_the_counter_gets_a_receipt_with_its_refund(
    collected_order, clerk, passau
):
    case = hand_in_at_counter(collected_order, clerk=clerk, store=passau)

    [receipt] = _receipts(collected_order)
    assert (receipt.channel, receipt.language, receipt.idempotency_key) == (
        "email",
        "de",
        f"case:{case.number}:received:1:email",
    )
    assert receipt.context == {
        "case_number": case.number,
        "store_name": "Passau Mitte",
        "items": [{"quantity": 1, "name": "Akku-Bohrschrauber 18V"}],
        "refund_amount": "89.90",
    }
    assert list(
        Notification.objects.filter(
            order=collected_order, template__startswith="return_"
        ).values_list("template", flat=True)
    ) == ["return_received"]


def test_a_refund_return_gets_one_receipt_per_delivery_on_the_chosen_channels(
    passau, drill, clerk, agent
):
    order = order_collect(
        store=passau, products=[drill], clerk=clerk, quantity=2, notify_by=("email", "sms")
    )
    case = return_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=2)],
        reason="not_wanted",
        opened_by="agent",
        by=agent,
    )

    return_receive(number=case.number, lines=ONE_DRILL_RESELLABLE, store=passau, by=clerk)
    return_receive(number=case.number, lines=ONE_DRILL_RESELLABLE, store=passau, by=clerk)

    assert [(row.channel, row.idempotency_key) for row in _receipts(order)] == [
        ("email", f"case:{case.number}:received:1:email"),
        ("email", f"case:{case.number}:received:2:email"),
        ("sms", f"case:{case.number}:received:1:sms"),
        ("sms", f"case:{case.number}:received:2:sms"),
    ]


def test_an_exchange_received_sends_no_refund_receipt(collected_order, agent, passau, clerk):
    opened = exchange_of(collected_order, by=agent)

    return_receive(number=opened.case.number, lines=ONE_DRILL_RESELLABLE, store=passau, by=clerk)

    assert _receipts(collected_order) == []


@pytest.mark.parametrize(
    ("language", "received", "refund"),
    [
        ("de", "ist bei uns im Markt Passau Mitte eingegangen", "Wir erstatten Ihnen 89,90 EUR"),
        ("en", "has reached us at Passau Mitte", "We refund you 89.90 EUR"),
    ],
)
def test_the_receipt_names_the_rma_what_came_back_and_the_refund(
    passau, drill, clerk, language, received, refund
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, language=language)
    case = hand_in_at_counter(order, clerk=clerk, store=passau)
    [receipt] = _receipts(order)

    assert notification_deliver(notification_id=receipt.pk) == "sent"

    mailed = mail.outbox[-1]
    assert case.number in mailed.subject
    for text in (mailed.body, mailed.alternatives[0][0]):
        for expected in (case.number, order.number, "1 × Akku-Bohrschrauber 18V"):
            assert expected in text
    assert received in mailed.body
    assert refund in mailed.body


def test_the_hotline_journey_shows_the_return_receipt_sent(
    client, collected_order, clerk, passau, agent
):
    hand_in_at_counter(collected_order, clerk=clerk, store=passau)
    [receipt] = _receipts(collected_order)
    notification_deliver(notification_id=receipt.pk)
    client.force_login(agent)

    response = client.get(
        reverse("hotline:customer", args=[collected_order.customer_id]),
        HTTP_ACCEPT_LANGUAGE="de",
    )

    [row] = [row for row in response.context["timeline"] if row.kind == "message_return_received"]
    assert row.title == "Eingangsbestätigung der Rücksendung versendet"
