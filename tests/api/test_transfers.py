"""The transfers API (SPEC §4): the sending store ships, the receiving store receives and the
order moves on; a store that cannot send has the order sourced elsewhere or flagged to the
hotline. Anything outside the caller's reach answers 404; a wrong state 409, nothing written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.models import Product, StockLevel, StockMovement, Transfer
from inventory.services import stock_receive
from messaging.models import Notification
from orders import selectors
from orders.models import Order
from orders.services import order_source
from tests.api.conftest import client_for
from tests.console.scenario import (
    agent_create,
    drill_stocked,
    order_waiting_for_transfer,
    staff_create,
    store_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores():
    passau = store_create("PAS-01", "Passau Mitte")
    regensburg = store_create(
        "REG-01", "Regensburg Süd", latitude=49.0134, longitude=12.1016, city="Regensburg"
    )
    drill_stocked(regensburg, on_hand=4)
    return passau, regensburg


@pytest.fixture
def waiting(stores):
    passau, regensburg = stores
    return order_waiting_for_transfer(passau, regensburg)


@pytest.fixture
def sender(stores):
    return client_for(staff_create(stores[1], "clerk.reg-01"))


@pytest.fixture
def receiver(stores):
    return client_for(staff_create(stores[0], "clerk.pas-01"))


def _state(transfer: Transfer) -> str:
    return Transfer.objects.get(pk=transfer.pk).state


def test_the_sending_store_sees_the_transfer_to_send_with_its_lines_and_order(waiting, sender):
    order, transfer = waiting

    response = sender.get("/api/v1/transfers/?store=REG-01&direction=outgoing&state=requested")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == transfer.pk
    assert row["state"] == "requested"
    assert (row["source_store"]["code"], row["destination_store"]["code"]) == ("REG-01", "PAS-01")
    assert row["lines"] == [{"sku": "DRILL-18V", "name": "Akku-Bohrschrauber 18V", "quantity": 1}]
    assert row["order"]["number"] == order.number
    assert row["order"]["state"] == "sourcing"
    assert row["available_actions"] == ["ship", "cannot_send"]


def test_the_receiving_store_sees_it_incoming_and_may_not_ship_it(waiting, receiver):
    _order, transfer = waiting

    listed = receiver.get("/api/v1/transfers/?store=PAS-01&direction=incoming")
    shipped = receiver.post(f"/api/v1/transfers/{transfer.pk}/ship/")

    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["available_actions"] == []
    assert shipped.status_code == 403
    assert shipped.json()["code"] == "permission_denied"
    assert _state(transfer) == "requested"


def test_shipped_and_received_the_order_goes_to_picking_and_then_to_the_customer(
    waiting, sender, receiver
):
    order, transfer = waiting
    ready_by_promised = order.ready_by

    shipped = sender.post(f"/api/v1/transfers/{transfer.pk}/ship/")
    received = receiver.post(f"/api/v1/transfers/{transfer.pk}/receive/")

    assert shipped.status_code == 200
    assert shipped.json()["state"] == "in_transit"
    assert received.status_code == 200
    assert received.json()["state"] == "received"
    assert received.json()["order"]["state"] == "reserved"
    order.refresh_from_db()
    assert order.state == "reserved"
    assert order.ready_by < ready_by_promised
    assert Notification.objects.filter(order=order, template="ready_by_changed").count() == 1
    level = StockLevel.objects.get(store__code="PAS-01", product__sku="DRILL-18V")
    assert (level.on_hand, level.reserved) == (1, 1)
    for step in ("start-picking", "mark-ready"):
        assert receiver.post(f"/api/v1/orders/{order.number}/{step}/").status_code == 200
    code = selectors.order_pickup_code_for_shopper(order=Order.objects.get(pk=order.pk))
    handed = receiver.post(
        f"/api/v1/orders/{order.number}/hand-over/", {"pickup_code": code}, format="json"
    )
    assert handed.status_code == 200
    assert handed.json()["state"] == "collected"
    assert order.transitions.filter(transition="reserve").get().actor.username == "clerk.pas-01"


def test_shipping_twice_is_a_conflict_and_writes_nothing(waiting, sender):
    _order, transfer = waiting
    sender.post(f"/api/v1/transfers/{transfer.pk}/ship/")
    movements = StockMovement.objects.count()

    response = sender.post(f"/api/v1/transfers/{transfer.pk}/ship/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transfer_state"
    assert StockMovement.objects.count() == movements
    assert _state(transfer) == "in_transit"


def test_receiving_before_shipping_is_a_conflict_and_writes_nothing(waiting, receiver):
    order, transfer = waiting
    movements = StockMovement.objects.count()

    response = receiver.post(f"/api/v1/transfers/{transfer.pk}/receive/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transfer_state"
    assert StockMovement.objects.count() == movements
    assert _state(transfer) == "requested"
    assert Order.objects.get(pk=order.pk).state == "sourcing"


@pytest.mark.parametrize("action", ["ship", "receive", "cannot-send"])
def test_another_stores_transfer_answers_404_and_tells_nothing(waiting, action):
    _order, transfer = waiting
    stranger = client_for(staff_create(store_create("MUC-01", "München"), "clerk.muc-01"))

    response = stranger.post(
        f"/api/v1/transfers/{transfer.pk}/{action}/", {"reason": "short"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "REG-01" not in response.content.decode()
    assert _state(transfer) == "requested"


@pytest.mark.parametrize("transfer_id", ["999999", "abc", "-1"])
def test_an_unknown_transfer_answers_404(sender, transfer_id):
    response = sender.post(f"/api/v1/transfers/{transfer_id}/ship/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_another_stores_transfer_list_answers_404(waiting):
    stranger = client_for(staff_create(store_create("MUC-01", "München"), "clerk.muc-01"))

    own = stranger.get("/api/v1/transfers/")
    other = stranger.get("/api/v1/transfers/?store=REG-01")

    assert own.json()["count"] == 0
    assert other.status_code == 404


def test_a_bad_query_is_refused(sender):
    response = sender.get("/api/v1/transfers/?direction=sideways")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"direction"}


def test_anonymous_callers_are_not_told_about_transfers(waiting):
    response = client_for().get("/api/v1/transfers/")

    assert response.status_code == 401


def test_agents_read_every_transfer_but_do_not_ship(waiting):
    _order, transfer = waiting
    agent = client_for(agent_create())

    listed = agent.get("/api/v1/transfers/?store=REG-01")
    shipped = agent.post(f"/api/v1/transfers/{transfer.pk}/ship/")

    assert listed.json()["count"] == 1
    assert shipped.status_code == 403
    assert _state(transfer) == "requested"


def test_cannot_send_sources_from_the_next_store_and_tells_the_shopper(stores, waiting, sender):
    passau, _regensburg = stores
    order, transfer = waiting
    munich = store_create("MUC-01", "München", latitude=48.1351, longitude=11.5820)
    StockLevel.objects.create(store=munich, product=transfer.lines.get().product, on_hand=3)
    sourcing_messages = Notification.objects.filter(order=order, template="sourcing").count()

    response = sender.post(
        f"/api/v1/transfers/{transfer.pk}/cannot-send/",
        {"reason": "Regal leer, Bestand falsch"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancel_reason"] == "Regal leer, Bestand falsch"
    order.refresh_from_db()
    assert order.state == "sourcing"
    assert order.sourcing_transfer.source_store == munich
    assert order.attention_since is None
    assert (
        Notification.objects.filter(order=order, template="sourcing").count()
        == sourcing_messages + 1
    )
    regensburg_level = StockLevel.objects.get(store__code="REG-01", product__sku="DRILL-18V")
    assert regensburg_level.reserved == 0


def test_cannot_send_with_no_other_store_flags_the_order_to_the_hotline(waiting, sender):
    order, transfer = waiting

    response = sender.post(
        f"/api/v1/transfers/{transfer.pk}/cannot-send/", {"reason": "Regal leer"}, format="json"
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == "sourcing"
    assert order.sourcing_transfer is None
    assert order.attention_reason == "transfer_not_sent"
    assert order.attention_since is not None
    assert selectors.order_list_needing_attention() == [order]


def test_later_sourcing_never_asks_the_store_that_could_not_send(waiting, sender):
    order, transfer = waiting
    sender.post(f"/api/v1/transfers/{transfer.pk}/cannot-send/", {"reason": "leer"}, format="json")

    order = order_source(order_id=order.pk, now=timezone.now())

    assert order.sourcing_transfer is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x" * 201}, "reason")],
)
def test_cannot_send_needs_a_reason_and_writes_nothing(waiting, sender, body, field):
    _order, transfer = waiting

    response = sender.post(f"/api/v1/transfers/{transfer.pk}/cannot-send/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _state(transfer) == "requested"


def test_cannot_send_after_shipping_is_a_conflict(waiting, sender):
    _order, transfer = waiting
    sender.post(f"/api/v1/transfers/{transfer.pk}/ship/")

    response = sender.post(
        f"/api/v1/transfers/{transfer.pk}/cannot-send/", {"reason": "leer"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transfer_state"
    assert _state(transfer) == "in_transit"


def test_the_transfer_list_reads_the_same_queries_for_3_and_30_transfers(stores, sender, settings):
    settings.ORDER_MAX_OPEN_PER_CUSTOMER = 30
    passau, regensburg = stores
    stock_receive(
        store_id=regensburg.pk, product_id=Product.objects.get(sku="DRILL-18V").pk, quantity=30
    )

    def queries_after_waiting(count: int) -> int:
        for _ in range(count):
            order_waiting_for_transfer(passau, regensburg)
        with CaptureQueriesContext(connection) as captured:
            response = sender.get("/api/v1/transfers/?store=REG-01&direction=outgoing&limit=100")
        assert len(response.json()["results"]) == Transfer.objects.count()
        return len(captured)

    few = queries_after_waiting(3)
    many = queries_after_waiting(27)

    assert Transfer.objects.count() == 30
    assert few == many
