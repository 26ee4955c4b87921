import pytest

from inventory.exceptions import (
    CountBelowReserved,
    InvalidQuantity,
    InvalidReference,
    ReasonRequired,
    UnknownProduct,
    UnknownStore,
)
from inventory.models import StockMovement
from inventory.services import (
    StockRequest,
    stock_count_correct,
    stock_receive,
    stock_reserve,
    stock_return,
)
from tests.inventory.stock import level_of, movements_of, stock_received, stock_snapshot
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_receive_creates_the_stock_row_and_records_a_receipt(store, drill):
    manager = UserFactory(username="manager.pas-01")

    level = stock_receive(
        store_id=store.pk,
        product_id=drill.pk,
        quantity=12,
        actor=manager,
        reason="delivery note 4711",
        reference="po:4711",
    )

    assert (level.on_hand, level.reserved) == (12, 0)
    assert list(
        StockMovement.objects.values_list(
            "kind", "on_hand_delta", "reserved_delta", "reference", "reason", "actor"
        )
    ) == [("receipt", 12, 0, "po:4711", "delivery note 4711", manager.pk)]


def test_receive_adds_to_what_is_on_hand(store, drill):
    stock_received(store=store, product=drill, quantity=3)

    level = stock_receive(store_id=store.pk, product_id=drill.pk, quantity=4)

    assert level.on_hand == 7
    assert movements_of(store, drill) == [("receipt", 3, 0, ""), ("receipt", 4, 0, "")]


def test_receive_of_a_discontinued_product_is_still_recorded(store, drill):
    drill.is_active = False
    drill.save()

    level = stock_receive(store_id=store.pk, product_id=drill.pk, quantity=2)

    assert level.on_hand == 2


@pytest.mark.parametrize("quantity", [0, -3, 10_001, 2.0, "5"])
def test_receive_refuses_a_quantity_that_is_not_a_whole_number_from_1_to_10000(
    store, drill, quantity
):
    before = stock_snapshot()

    with pytest.raises(InvalidQuantity):
        stock_receive(store_id=store.pk, product_id=drill.pk, quantity=quantity)

    assert stock_snapshot() == before


def test_receive_refuses_an_unknown_store(drill):
    before = stock_snapshot()

    with pytest.raises(UnknownStore):
        stock_receive(store_id=999_999, product_id=drill.pk, quantity=1)

    assert stock_snapshot() == before


def test_receive_refuses_an_unknown_product(store):
    before = stock_snapshot()

    with pytest.raises(UnknownProduct):
        stock_receive(store_id=store.pk, product_id=999_999, quantity=1)

    assert stock_snapshot() == before


def test_receive_refuses_a_reference_longer_than_64_characters(store, drill):
    before = stock_snapshot()

    with pytest.raises(InvalidReference):
        stock_receive(store_id=store.pk, product_id=drill.pk, quantity=1, reference="x" * 65)

    assert stock_snapshot() == before


def test_count_sets_on_hand_and_records_the_difference_as_an_adjustment(store, drill):
    stock_received(store=store, product=drill, quantity=10)

    level = stock_count_correct(
        store_id=store.pk, product_id=drill.pk, counted=7, reason="stock-taking"
    )

    assert level.on_hand == 7
    assert list(
        StockMovement.objects.filter(kind="adjustment").values_list("on_hand_delta", "reason")
    ) == [(-3, "stock-taking")]


def test_count_above_on_hand_records_a_positive_adjustment(store, drill):
    stock_received(store=store, product=drill, quantity=2)

    stock_count_correct(store_id=store.pk, product_id=drill.pk, counted=5, reason="found a box")

    assert level_of(store, drill) == (5, 0)
    assert movements_of(store, drill)[-1] == ("adjustment", 3, 0, "")


def test_count_of_a_product_the_store_never_had_creates_its_stock_row(store, drill):
    level = stock_count_correct(
        store_id=store.pk, product_id=drill.pk, counted=4, reason="stock-taking"
    )

    assert (level.on_hand, level.reserved) == (4, 0)
    assert movements_of(store, drill) == [("adjustment", 4, 0, "")]


def test_count_equal_to_on_hand_writes_no_ledger_row(store, drill):
    stock_received(store=store, product=drill, quantity=6)

    level = stock_count_correct(
        store_id=store.pk, product_id=drill.pk, counted=6, reason="stock-taking"
    )

    assert level.on_hand == 6
    assert StockMovement.objects.filter(kind="adjustment").count() == 0


def test_count_equal_to_what_is_reserved_leaves_nothing_available(store, drill):
    stock_received(store=store, product=drill, quantity=6)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:1")])

    level = stock_count_correct(
        store_id=store.pk, product_id=drill.pk, counted=2, reason="stock-taking"
    )

    assert (level.on_hand, level.reserved, level.available) == (2, 2, 0)


def test_count_below_what_is_reserved_is_refused(store, drill):
    stock_received(store=store, product=drill, quantity=6)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 3, "order:1")])
    before = stock_snapshot()

    with pytest.raises(CountBelowReserved) as refused:
        stock_count_correct(store_id=store.pk, product_id=drill.pk, counted=2, reason="theft")

    assert refused.value.code == "count_below_reserved"
    assert refused.value.status == 409
    assert stock_snapshot() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_count_without_a_reason_is_refused(store, drill, reason):
    stock_received(store=store, product=drill, quantity=6)
    before = stock_snapshot()

    with pytest.raises(ReasonRequired) as refused:
        stock_count_correct(store_id=store.pk, product_id=drill.pk, counted=5, reason=reason)

    assert refused.value.code == "reason_required"
    assert refused.value.status == 400
    assert stock_snapshot() == before


@pytest.mark.parametrize("counted", [-1, 1_000_001, "5", 4.5])
def test_count_refuses_a_negative_or_absurd_or_non_integer_count(store, drill, counted):
    stock_received(store=store, product=drill, quantity=6)
    before = stock_snapshot()

    with pytest.raises(InvalidQuantity) as refused:
        stock_count_correct(
            store_id=store.pk, product_id=drill.pk, counted=counted, reason="stock-taking"
        )

    assert list(refused.value.fields) == ["counted"]
    assert stock_snapshot() == before


def test_count_refuses_an_unknown_store_or_product(store, drill):
    before = stock_snapshot()

    with pytest.raises(UnknownStore):
        stock_count_correct(store_id=999_999, product_id=drill.pk, counted=1, reason="x")
    with pytest.raises(UnknownProduct):
        stock_count_correct(store_id=store.pk, product_id=999_999, counted=1, reason="x")

    assert stock_snapshot() == before


def test_a_resellable_return_goes_back_on_hand(store, drill):
    stock_received(store=store, product=drill, quantity=1)

    level = stock_return(
        store_id=store.pk, product_id=drill.pk, quantity=1, resellable=True, reference="rma:9"
    )

    assert (level.on_hand, level.available) == (2, 2)
    assert movements_of(store, drill)[-1] == ("return", 1, 0, "rma:9")


def test_a_defective_return_is_recorded_and_written_off_and_never_available(store, drill):
    stock_received(store=store, product=drill, quantity=1)

    level = stock_return(
        store_id=store.pk, product_id=drill.pk, quantity=1, resellable=False, reference="rma:9"
    )

    assert (level.on_hand, level.available) == (1, 1)
    assert movements_of(store, drill)[1:] == [
        ("return", 1, 0, "rma:9"),
        ("write_off", -1, 0, "rma:9"),
    ]


def test_a_return_to_a_store_that_never_stocked_the_product_creates_its_stock_row(store, drill):
    level = stock_return(store_id=store.pk, product_id=drill.pk, quantity=2, resellable=True)

    assert (level.on_hand, level.reserved) == (2, 0)


@pytest.mark.parametrize("quantity", [0, -1, 10_001])
def test_return_refuses_a_bad_quantity(store, drill, quantity):
    before = stock_snapshot()

    with pytest.raises(InvalidQuantity):
        stock_return(store_id=store.pk, product_id=drill.pk, quantity=quantity, resellable=True)

    assert stock_snapshot() == before


def test_return_refuses_an_unknown_store_or_product(store, drill):
    before = stock_snapshot()

    with pytest.raises(UnknownStore):
        stock_return(store_id=999_999, product_id=drill.pk, quantity=1, resellable=False)
    with pytest.raises(UnknownProduct):
        stock_return(store_id=store.pk, product_id=999_999, quantity=1, resellable=False)

    assert stock_snapshot() == before
