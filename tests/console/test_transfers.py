"""Transfers in the console: both stores see them on their shift page with counts; the sender
picks and ships (every line ticked) or says it cannot send; the receiver receives and the order
appears under "to pick"; the hotline sees an order no store can send."""

import re

import pytest
from django.urls import reverse

from inventory.models import Transfer
from orders.models import Order
from tests.console import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(store, other_store):
    scenario.drill_stocked(other_store, on_hand=4)
    return scenario.order_waiting_for_transfer(store, other_store)


@pytest.fixture
def sender_client(client, other_clerk):
    client.force_login(other_clerk)
    return client


def _counts(response) -> dict:
    return {queue.key: queue.count for queue in response.context["queues"]}


def _ship_url(transfer) -> str:
    return reverse("admin:inventory_transfer_ship", args=[transfer.pk])


def test_the_sending_store_sees_the_transfer_to_send_and_the_receiver_sees_it_coming(
    waiting, sender_client, clerk
):
    order, transfer = waiting

    sender_page = sender_client.get(reverse("admin:index"))
    sender_client.force_login(clerk)
    receiver_page = sender_client.get(reverse("admin:index"))

    assert (_counts(sender_page)["to_send"], _counts(sender_page)["incoming"]) == (1, 0)
    assert (_counts(receiver_page)["to_send"], _counts(receiver_page)["incoming"]) == (0, 1)
    sent = sender_page.content.decode()
    assert transfer.number in sent
    assert order.number in sent
    assert _ship_url(transfer) in sent
    assert "1 × DRILL-18V" in sent
    assert "Not sent yet" in receiver_page.content.decode()


def test_shipping_needs_every_line_ticked(waiting, sender_client):
    _order, transfer = waiting

    response = sender_client.post(_ship_url(transfer), {})

    assert response.status_code == 200
    assert "Tick each line once it is picked." in response.content.decode()
    assert Transfer.objects.get(pk=transfer.pk).state == "requested"


def test_shipped_by_the_sender_and_received_by_the_receiver_the_order_is_to_pick(
    waiting, sender_client, clerk
):
    order, transfer = waiting
    line = transfer.lines.get()

    shipped = sender_client.post(_ship_url(transfer), {f"picked_{line.pk}": "on"})
    sender_client.force_login(clerk)
    received = sender_client.post(
        reverse("admin:inventory_transfer_receive", args=[transfer.pk]), {}
    )
    page = sender_client.get(reverse("admin:index"))

    assert shipped.status_code == 302
    assert received.status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == "received"
    assert Order.objects.get(pk=order.pk).state == "reserved"
    queues = {queue.key: queue for queue in page.context["queues"]}
    assert [row.number for row in queues["to_pick"].rows] == [order.number]
    assert queues["incoming"].count == 0


def test_the_receiver_cannot_ship_and_a_stranger_does_not_find_the_transfer(waiting, client, clerk):
    _order, transfer = waiting
    stranger = scenario.staff_create(scenario.store_create("MUC-01", "München"), "clerk.muc-01")

    client.force_login(clerk)
    as_receiver = client.post(_ship_url(transfer), {})
    client.force_login(stranger)
    as_stranger = client.get(reverse("admin:inventory_transfer_change", args=[transfer.pk]))

    assert as_receiver.status_code == 200
    assert "not at your store" in as_receiver.content.decode()
    assert as_stranger.status_code == 404
    assert Transfer.objects.get(pk=transfer.pk).state == "requested"


def test_cannot_send_with_no_other_store_puts_the_order_on_the_hotlines_list(
    waiting, sender_client, agent
):
    order, transfer = waiting

    response = sender_client.post(
        reverse("admin:inventory_transfer_cannot_send", args=[transfer.pk]),
        {"reason": "Regal leer"},
    )
    sender_client.force_login(agent)
    hotline = sender_client.get(reverse("hotline:search"))

    assert response.status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).cancel_reason == "Regal leer"
    content = hotline.content.decode()
    assert "Needs attention: orders no store can send (1)" in content
    assert order.number in content
    assert "could not send it and no other store has it" in content


def test_the_transfer_list_reads_like_the_stores_talk(waiting, client, agent):
    _order, transfer = waiting
    client.force_login(agent)

    listing = client.get(reverse("admin:inventory_transfer_changelist")).content.decode()
    page = client.get(reverse("admin:inventory_transfer_change", args=[transfer.pk]))

    assert transfer.number in listing
    assert "REG-01 Regensburg Süd" in listing
    assert "PAS-01 Passau Mitte" in listing
    assert "To send" in listing
    assert "column-pk" not in listing
    assert re.search(r"\d+ ?-(>|&gt;) ?\d+", listing) is None
    assert page.status_code == 200
    assert f"Transfer {transfer.number}" in page.content.decode()
