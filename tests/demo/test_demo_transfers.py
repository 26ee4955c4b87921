import pytest
from django.core.management import call_command

from inventory.models import Transfer
from inventory.services import stock_drift_list
from orders.models import Order

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_passau_one_transfer_coming_in_and_one_to_send():
    call_command("seed_demo")

    transfers = {
        (transfer.source_store.code, transfer.destination_store.code): transfer.state
        for transfer in Transfer.objects.select_related("source_store", "destination_store")
    }

    assert transfers == {("DEG-01", "PAS-01"): "in_transit", ("PAS-01", "DEG-01"): "requested"}
    assert stock_drift_list() == []


def test_each_demo_transfer_serves_an_order_waiting_in_sourcing_at_its_destination():
    call_command("seed_demo")

    waiting = Order.objects.filter(sourcing_transfer__isnull=False).select_related(
        "pickup_store", "sourcing_transfer__destination_store"
    )

    assert sorted(
        (order.state, order.pickup_store.code, order.sourcing_transfer.destination_store.code)
        for order in waiting
    ) == [("sourcing", "DEG-01", "DEG-01"), ("sourcing", "PAS-01", "PAS-01")]


def test_seed_demo_run_again_adds_no_transfer():
    call_command("seed_demo")
    transfers, orders = Transfer.objects.count(), Order.objects.count()

    call_command("seed_demo")

    assert (Transfer.objects.count(), Order.objects.count()) == (transfers, orders)
