import datetime

import pytest
from django.utils import timezone

from inventory.models import Reservation, StockLevel, Transfer
from inventory.services import transfer_receive, transfer_ship
from messaging.models import Notification
from orders.models import Order
from orders.services import (
    LineInput,
    order_complete_sourcing,
    order_mark_ready,
    order_report_shortage,
    order_source,
    order_start_picking,
    orders_source_due,
)
from tests.inventory.factories import StockLevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def away(store, other_store, drill):
    """No drill at the pickup store, 4 at the other store."""
    return {
        "here": StockLevelFactory(store=store, product=drill, on_hand=0),
        "there": StockLevelFactory(store=other_store, product=drill, on_hand=4),
    }


def test_the_sourcing_path_reserves_elsewhere_transfers_and_ends_ready(
    place, store, other_store, away, clerk
):
    order = place(allow_transfer=True).order

    sourced = orders_source_due(now=timezone.now())

    order.refresh_from_db()
    transfer = order.sourcing_transfer
    assert sourced == 1
    assert (order.state, transfer.state) == ("sourcing", "requested")
    assert (transfer.source_store, transfer.destination_store) == (other_store, store)
    assert StockLevel.objects.get(pk=away["there"].pk).reserved == 1
    assert Notification.objects.filter(template="sourcing").count() == 1
    assert orders_source_due(now=timezone.now()) == 0

    transfer_ship(transfer_id=transfer.pk)
    transfer_receive(transfer_id=transfer.pk)
    completed = orders_source_due(now=timezone.now())

    order.refresh_from_db()
    assert completed == 1
    assert order.state == "reserved"
    line = order.lines.get()
    assert line.quantity_sourcing == 0
    assert Reservation.objects.get(reference=line.reservation_reference, state="held").quantity == 1
    assert StockLevel.objects.get(pk=away["here"].pk).reserved == 1
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    assert order.state == "ready_for_pickup"
    assert list(order.transitions.values_list("target", flat=True)) == [
        "placed",
        "sourcing",
        "reserved",
        "picking",
        "ready_for_pickup",
    ]


def test_sourcing_is_tried_again_later_when_no_store_has_the_stock_now(place, away, settings):
    order = place(allow_transfer=True).order
    StockLevel.objects.filter(pk=away["there"].pk).update(on_hand=0)
    now = timezone.now()

    order = order_source(order_id=order.pk, now=now)

    assert order.state == "sourcing"
    assert order.sourcing_transfer is None
    assert order.sourcing_due_at == now + datetime.timedelta(
        minutes=settings.ORDER_SOURCING_RETRY_MINUTES
    )


def test_sourcing_gives_up_and_cancels_after_the_configured_hours(place, away, settings):
    order = place(allow_transfer=True).order
    StockLevel.objects.filter(pk=away["there"].pk).update(on_hand=0)
    later = order.sourcing_started_at + datetime.timedelta(
        hours=settings.ORDER_SOURCING_GIVE_UP_HOURS
    )

    order = order_source(order_id=order.pk, now=later)

    assert (order.state, order.cancel_reason) == ("cancelled", "out_of_stock")
    assert Notification.objects.filter(template="cancelled").count() == 1


def test_completing_sourcing_before_the_transfer_arrived_is_refused(place, away):
    order = place(allow_transfer=True).order
    order_source(order_id=order.pk)

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_complete_sourcing(order_id=order.pk)

    assert refused.value.code == "transfer_not_received"
    assert Order.objects.get(pk=order.pk).state == "sourcing"


def test_cancelling_a_sourcing_order_cancels_its_transfer_and_frees_the_source_stock(place, away):
    from orders.services import order_cancel

    order = place(allow_transfer=True).order
    order = order_source(order_id=order.pk)

    order_cancel(order=order, by=None, reason="too slow")

    assert Transfer.objects.get().state == "cancelled"
    assert StockLevel.objects.get(pk=away["there"].pk).reserved == 0


def test_a_shortage_without_transfers_drops_the_missing_units_and_tells_the_shopper(
    place, stocked, clerk
):
    order = place(
        lines=[LineInput("DRILL-18V", 1), LineInput("BITS-32", 3)], allow_transfer=False
    ).order
    order_start_picking(order=order, by=clerk)

    order = order_report_shortage(order=order, by=clerk, shortages=[LineInput("BITS-32", 2)])

    assert order.state == "reserved"
    bits = order.lines.get(product__sku="BITS-32")
    assert (bits.quantity, bits.quantity_cancelled) == (3, 2)
    assert str(order.total) == "102.40"
    assert StockLevel.objects.get(pk=stocked["bits"].pk).reserved == 1
    assert Notification.objects.get(template="shortage").context == {
        "cancelled_lines": [
            {"sku": "BITS-32", "name": "Bit-Set 32-teilig", "name_en": "", "quantity": 2}
        ]
    }


def test_a_shortage_with_transfers_allowed_sources_the_missing_units_again(
    place, store, other_store, stocked, drill, clerk
):
    StockLevelFactory(store=other_store, product=drill, on_hand=3)
    order = place(allow_transfer=True).order
    order_start_picking(order=order, by=clerk)

    order = order_report_shortage(order=order, by=clerk, shortages=[LineInput("DRILL-18V", 1)])
    order_source(order_id=order.pk)

    order.refresh_from_db()
    assert order.state == "sourcing"
    assert order.lines.get().quantity_sourcing == 1
    assert order.sourcing_transfer.source_store == other_store
    assert StockLevel.objects.get(pk=stocked["drill"].pk).reserved == 0


@pytest.mark.parametrize(
    ("shortages", "code"),
    [
        ([], "invalid"),
        ([LineInput("NOT-IN-ORDER", 1)], "invalid"),
        ([LineInput("DRILL-18V", 0)], "invalid_quantity"),
        ([LineInput("DRILL-18V", 2)], "invalid_quantity"),
    ],
)
def test_a_bad_shortage_report_is_refused_and_changes_nothing(
    place, stocked, clerk, shortages, code
):
    order = place().order
    order_start_picking(order=order, by=clerk)

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_report_shortage(order=order, by=clerk, shortages=shortages)

    assert refused.value.code == code
    assert Order.objects.get(pk=order.pk).state == "picking"
    assert StockLevel.objects.get(pk=stocked["drill"].pk).reserved == 1
