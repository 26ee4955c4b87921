import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Reservation, StockLevel
from inventory.services import (
    StockRequest,
    stock_consume,
    stock_count_correct,
    stock_release,
    stock_reserve,
    stock_return,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from inventory.tasks import stock_reconcile_task
from tests.inventory.stock import stock_received

pytestmark = pytest.mark.django_db


def reconcile(*args) -> str:
    out = StringIO()
    call_command("reconcile_stock", *args, stdout=out)
    return out.getvalue()


def test_reconcile_finds_no_drift_after_every_kind_of_stock_change(munich, passau, drill):
    stock_received(store=munich, product=drill, quantity=20)
    stock_reserve(store_id=munich.pk, requests=[StockRequest(drill.pk, 2, "order:1")])
    stock_reserve(store_id=munich.pk, requests=[StockRequest(drill.pk, 3, "order:2")])
    stock_consume(reference="order:1")
    stock_release(reference="order:2")
    stock_count_correct(store_id=munich.pk, product_id=drill.pk, counted=15, reason="count")
    stock_return(store_id=munich.pk, product_id=drill.pk, quantity=1, resellable=True)
    stock_return(store_id=munich.pk, product_id=drill.pk, quantity=1, resellable=False)
    for cancel_at in (None, "requested", "in_transit"):
        transfer = transfer_request(
            source_store_id=munich.pk,
            destination_store_id=passau.pk,
            requests=[StockRequest(drill.pk, 1, "order-line:9")],
            reference="order:9",
        )
        if cancel_at == "requested":
            transfer_cancel(transfer_id=transfer.pk)
            continue
        transfer_ship(transfer_id=transfer.pk)
        if cancel_at == "in_transit":
            transfer_cancel(transfer_id=transfer.pk)
        else:
            transfer_receive(transfer_id=transfer.pk)

    output = reconcile()

    assert output == "No drift: stock matches the ledger (all stores).\n"


def test_reconcile_reports_a_tampered_on_hand_and_exits_non_zero(munich, passau, drill):
    stock_received(store=munich, product=drill, quantity=5)
    stock_received(store=passau, product=drill, quantity=4)
    stock_reserve(store_id=munich.pk, requests=[StockRequest(drill.pk, 1, "order:1")])
    StockLevel.objects.filter(store=munich).update(on_hand=9)
    out = StringIO()

    with pytest.raises(CommandError) as drift:
        call_command("reconcile_stock", stdout=out)

    assert drift.value.returncode == 1
    assert str(drift.value) == "Drift at 1 stock row(s) (all stores)."
    assert out.getvalue().splitlines() == [
        "Stock rows that disagree with the ledger (on hand, reserved) "
        "or with their held reservations:",
        "store   sku        on hand  ledger  reserved  ledger  held",
        "------  ---------  -------  ------  --------  ------  ----",
        "MUC-01  DRILL-18V        9       5         1       1     1",
    ]


def test_reconcile_reports_reserved_units_no_reservation_holds(munich, drill):
    stock_received(store=munich, product=drill, quantity=5)
    stock_reserve(store_id=munich.pk, requests=[StockRequest(drill.pk, 2, "order:1")])
    Reservation.objects.update(state=Reservation.State.RELEASED)

    with pytest.raises(CommandError, match=r"Drift at 1 stock row\(s\)"):
        reconcile()


def test_reconcile_of_one_store_looks_only_at_that_store(munich, passau, drill):
    stock_received(store=munich, product=drill, quantity=5)
    stock_received(store=passau, product=drill, quantity=5)
    StockLevel.objects.filter(store=munich).update(on_hand=1)

    output = reconcile("--store", "PAS-01")

    assert output == "No drift: stock matches the ledger (store PAS-01).\n"
    with pytest.raises(CommandError, match=r"\(store MUC-01\)"):
        reconcile("--store", "MUC-01")


def test_the_periodic_reconcile_task_logs_each_drifted_row(munich, drill, caplog):
    stock_received(store=munich, product=drill, quantity=5)
    StockLevel.objects.update(on_hand=6)

    with caplog.at_level(logging.INFO, logger="inventory.tasks"):
        drifted = stock_reconcile_task()

    assert drifted == 1
    assert [record.getMessage() for record in caplog.records] == [
        "stock drift at MUC-01 DRILL-18V: on hand 6 (ledger 5), reserved 0 (ledger 0, held 0)",
        "stock reconcile: drift at 1 stock row(s)",
    ]


def test_the_periodic_reconcile_task_reports_no_drift(munich, drill, caplog):
    stock_received(store=munich, product=drill, quantity=5)

    with caplog.at_level(logging.INFO, logger="inventory.tasks"):
        drifted = stock_reconcile_task()

    assert drifted == 0
    assert [record.getMessage() for record in caplog.records] == ["stock reconcile: no drift"]


def test_the_reconcile_task_is_on_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["inventory-reconcile"]["task"] == (
        "inventory.tasks.stock_reconcile_task"
    )
