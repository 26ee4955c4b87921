import pytest

from inventory.exceptions import (
    InsufficientStock,
    InvalidReference,
    InvalidTransferState,
    ReservationNotHeld,
    TransferToSameStore,
    UnknownStore,
    UnknownTransfer,
)
from inventory.models import Reservation, StockMovement, Transfer
from inventory.services import (
    StockRequest,
    stock_release,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from tests.inventory.factories import ProductFactory
from tests.inventory.stock import level_of, movements_of, stock_received, stock_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def battery():
    return ProductFactory(sku="BATT-18V")


@pytest.fixture
def requested(munich, passau, drill, battery):
    """A transfer of 2 drills and 1 battery from Munich to Passau for order A-100."""
    stock_received(store=munich, product=drill, quantity=5)
    stock_received(store=munich, product=battery, quantity=5)
    return transfer_request(
        source_store_id=munich.pk,
        destination_store_id=passau.pk,
        requests=[
            StockRequest(drill.pk, 2, "order-line:1"),
            StockRequest(battery.pk, 1, "order-line:2"),
        ],
        reference="order:A-100",
    )


def test_request_reserves_at_the_source_under_the_transfer_and_keeps_each_lines_reference(
    requested, munich, drill, battery
):
    assert requested.state == "requested"
    assert requested.reference == "order:A-100"
    assert list(
        requested.lines.order_by("pk").values_list("product_id", "quantity", "reference")
    ) == [(drill.pk, 2, "order-line:1"), (battery.pk, 1, "order-line:2")]
    assert level_of(munich, drill) == (5, 2)
    assert level_of(munich, battery) == (5, 1)
    assert set(Reservation.objects.values_list("reference", flat=True)) == {
        f"transfer:{requested.pk}"
    }


def test_request_of_more_than_the_source_has_creates_no_transfer(munich, passau, drill):
    stock_received(store=munich, product=drill, quantity=1)
    before = stock_snapshot()

    with pytest.raises(InsufficientStock) as refused:
        transfer_request(
            source_store_id=munich.pk,
            destination_store_id=passau.pk,
            requests=[StockRequest(drill.pk, 2, "order-line:1")],
            reference="order:A-100",
        )

    assert refused.value.shortages[0].available == 1
    assert stock_snapshot() == before


def test_request_to_the_same_store_is_refused(munich, drill):
    stock_received(store=munich, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(TransferToSameStore) as refused:
        transfer_request(
            source_store_id=munich.pk,
            destination_store_id=munich.pk,
            requests=[StockRequest(drill.pk, 1, "order-line:1")],
            reference="order:A-100",
        )

    assert refused.value.status == 400
    assert stock_snapshot() == before


def test_request_to_an_unknown_store_is_refused(munich, drill):
    stock_received(store=munich, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(UnknownStore):
        transfer_request(
            source_store_id=munich.pk,
            destination_store_id=999_999,
            requests=[StockRequest(drill.pk, 1, "order-line:1")],
            reference="order:A-100",
        )

    assert stock_snapshot() == before


def test_request_without_a_reference_is_refused(munich, passau, drill):
    stock_received(store=munich, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(InvalidReference):
        transfer_request(
            source_store_id=munich.pk,
            destination_store_id=passau.pk,
            requests=[StockRequest(drill.pk, 1, "order-line:1")],
            reference="",
        )

    assert stock_snapshot() == before


def test_ship_takes_the_reserved_units_out_of_the_source(requested, munich, drill, battery):
    transfer = transfer_ship(transfer_id=requested.pk)

    assert transfer.state == "in_transit"
    assert transfer.shipped_at is not None
    assert level_of(munich, drill) == (3, 0)
    assert level_of(munich, battery) == (4, 0)
    assert movements_of(munich, drill)[-1] == ("transfer_out", -2, -2, f"transfer:{transfer.pk}")


def test_ship_after_the_transfers_hold_was_released_is_refused(requested):
    stock_release(reference=f"transfer:{requested.pk}")
    before = stock_snapshot()

    with pytest.raises(ReservationNotHeld) as refused:
        transfer_ship(transfer_id=requested.pk)

    assert refused.value.code == "reservation_not_held"
    assert stock_snapshot() == before


def test_receive_puts_the_units_on_hand_at_the_destination_held_for_each_line(
    requested, passau, drill, battery
):
    transfer_ship(transfer_id=requested.pk)

    transfer = transfer_receive(transfer_id=requested.pk)

    assert transfer.state == "received"
    assert transfer.received_at is not None
    assert level_of(passau, drill) == (2, 2)
    assert level_of(passau, battery) == (1, 1)
    assert list(
        Reservation.objects.filter(stock_level__store=passau)
        .order_by("pk")
        .values_list("reference", "quantity", "state")
    ) == [("order-line:1", 2, "held"), ("order-line:2", 1, "held")]
    assert movements_of(passau, drill) == [
        ("transfer_in", 2, 0, f"transfer:{transfer.pk}"),
        ("reserve", 0, 2, "order-line:1"),
    ]


def test_cancel_of_a_requested_transfer_releases_its_hold_at_the_source(requested, munich, drill):
    transfer = transfer_cancel(transfer_id=requested.pk)

    assert transfer.state == "cancelled"
    assert level_of(munich, drill) == (5, 0)
    assert movements_of(munich, drill)[-1] == ("release", 0, -2, f"transfer:{transfer.pk}")


def test_cancel_of_a_transfer_in_transit_puts_its_units_back_at_the_source(
    requested, munich, passau, drill
):
    transfer_ship(transfer_id=requested.pk)

    transfer_cancel(transfer_id=requested.pk)

    assert level_of(munich, drill) == (5, 0)
    assert movements_of(munich, drill)[-1] == ("transfer_in", 2, 0, f"transfer:{requested.pk}")
    assert not StockMovement.objects.filter(stock_level__store=passau).exists()


TRANSITIONS = {"ship": transfer_ship, "receive": transfer_receive, "cancel": transfer_cancel}
ALLOWED = {
    ("requested", "ship"),
    ("requested", "cancel"),
    ("in_transit", "receive"),
    ("in_transit", "cancel"),
}
PATHS_TO = {
    "requested": [],
    "in_transit": ["ship"],
    "received": ["ship", "receive"],
    "cancelled": ["cancel"],
}


@pytest.mark.parametrize("state", list(PATHS_TO))
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_transfer_state_allows_only_its_transitions(requested, state, action):
    for step in PATHS_TO[state]:
        TRANSITIONS[step](transfer_id=requested.pk)
    before = stock_snapshot()

    if (state, action) in ALLOWED:
        assert TRANSITIONS[action](transfer_id=requested.pk).state != state
    else:
        with pytest.raises(InvalidTransferState) as refused:
            TRANSITIONS[action](transfer_id=requested.pk)
        assert refused.value.status == 409
        assert stock_snapshot() == before
        assert Transfer.objects.get().state == state


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_a_transition_of_an_unknown_transfer_is_refused(action):
    with pytest.raises(UnknownTransfer) as refused:
        TRANSITIONS[action](transfer_id=999_999)

    assert refused.value.status == 404
