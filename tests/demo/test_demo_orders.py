import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory.services import stock_drift_list
from orders.models import Order
from returns.models import CourierBooking, ReturnCase

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_passau_and_two_more_stores_with_a_day_of_orders_in_every_state():
    call_command("seed_demo")

    passau = set(Order.objects.filter(pickup_store__code="PAS-01").values_list("state", flat=True))
    assert passau == {
        "sourcing",
        "reserved",
        "picking",
        "ready_for_pickup",
        "expired",
        "collected",
        "cancelled",
    }
    for code in ("MUC-01", "BER-01"):
        assert Order.objects.filter(pickup_store__code=code).count() == 13
    assert stock_drift_list() == []


def test_seed_demo_leaves_one_ready_order_per_store_within_a_day_of_its_hold_ending():
    call_command("seed_demo")
    soon = timezone.now() + datetime.timedelta(days=1)

    overdue = Order.objects.filter(state="ready_for_pickup", hold_until__lte=soon)

    assert sorted(overdue.values_list("pickup_store__code", flat=True)) == [
        "BER-01",
        "MUC-01",
        "PAS-01",
    ]
    assert all(order.ready_at <= order.hold_until for order in overdue)


def test_seed_demo_opens_one_exchange_with_a_replacement_and_a_courier_request():
    call_command("seed_demo")

    case = ReturnCase.objects.get()
    assert case.state == ReturnCase.State.AWAITING_COURIER
    assert case.order.pickup_store.code == "PAS-01"
    assert case.replacement_order.kind == Order.Kind.REPLACEMENT
    assert case.courier_bookings.get().state == CourierBooking.State.REQUESTED


def test_seed_demo_run_again_adds_no_order_and_no_exchange():
    call_command("seed_demo")
    orders, cases = Order.objects.count(), ReturnCase.objects.count()

    call_command("seed_demo")

    assert (Order.objects.count(), ReturnCase.objects.count()) == (orders, cases)


def test_the_demo_holds_frau_muellers_collected_drill_paid_by_direct_debit_ready_to_exchange(
    client,
):
    from django.contrib.auth import get_user_model

    from payments.models import SideEffect

    call_command("seed_demo")

    drill = Order.objects.get(
        customer__name="Erika Müller",
        pickup_store__code="PAS-01",
        lines__product__sku="AKKU-BS-18V",
        payment_method="sepa_debit",
    )
    assert (drill.state, drill.campaign) == ("collected", "werkzeugwochen")
    assert SideEffect.objects.filter(order=drill, kind="payment_debit").exists()
    assert not ReturnCase.objects.filter(order=drill).exists()
    client.force_login(get_user_model().objects.get(username="agent"))
    page = client.get(f"/admin/hotline/customers/{drill.customer_id}/").content.decode()
    assert f'href="/admin/hotline/orders/{drill.number}/exchange/"' in page
