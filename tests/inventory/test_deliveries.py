"""Goods-in: a delivery of several lines is booked all or nothing; products are found by SKU in
any letter case or by GTIN."""

import pytest

from inventory.exceptions import InvalidQuantity, UnknownProduct, UnknownStore
from inventory.models import StockMovement
from inventory.selectors import product_map_by_code
from inventory.services import MAX_DELIVERY_LINES, DeliveryLine, stock_receive_delivery
from tests.inventory.factories import ProductFactory
from tests.inventory.stock import level_of, movements_of, stock_received, stock_snapshot
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_line_of_a_delivery_is_booked_with_one_receipt_each(store, drill, bits):
    stock_received(store=store, product=drill, quantity=2)
    clerk = UserFactory(username="clerk.pas-01")

    levels = stock_receive_delivery(
        store_id=store.pk,
        lines=[DeliveryLine(drill.pk, 3), DeliveryLine(bits.pk, 10), DeliveryLine(drill.pk, 1)],
        actor=clerk,
        reference="LS-1",
    )

    assert {product_id: level.on_hand for product_id, level in levels.items()} == {
        drill.pk: 6,
        bits.pk: 10,
    }
    assert level_of(store, drill) == (6, 0)
    assert movements_of(store, drill)[-1] == ("receipt", 4, 0, "LS-1")
    assert movements_of(store, bits) == [("receipt", 10, 0, "LS-1")]
    assert set(StockMovement.objects.filter(reference="LS-1").values_list("actor", flat=True)) == {
        clerk.pk
    }


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ([], InvalidQuantity),
        ([("drill", 2), ("bits", 0)], InvalidQuantity),
        ([("drill", 2), ("bits", True)], InvalidQuantity),
        ([("drill", 6000), ("drill", 6000)], InvalidQuantity),
        ([("drill", 2), ("nothing", 1)], UnknownProduct),
    ],
)
def test_one_bad_line_books_nothing(store, drill, bits, lines, error):
    stock_received(store=store, product=drill, quantity=2)
    products = {"drill": drill.pk, "bits": bits.pk, "nothing": 999_999}
    before = stock_snapshot()

    with pytest.raises(error):
        stock_receive_delivery(
            store_id=store.pk,
            lines=[DeliveryLine(products[name], units) for name, units in lines],
        )

    assert stock_snapshot() == before


def test_too_many_lines_or_an_unknown_store_books_nothing(store, drill):
    before = stock_snapshot()

    with pytest.raises(InvalidQuantity):
        stock_receive_delivery(
            store_id=store.pk, lines=[DeliveryLine(drill.pk, 1)] * (MAX_DELIVERY_LINES + 1)
        )
    with pytest.raises(UnknownStore):
        stock_receive_delivery(store_id=999_999, lines=[DeliveryLine(drill.pk, 1)])

    assert stock_snapshot() == before


def test_products_are_found_by_sku_in_any_case_or_by_gtin(drill):
    bits = ProductFactory(sku="BITS-32", gtin="4006381333931")
    discontinued = ProductFactory(sku="OLD-1", gtin="4012345678901", is_active=False)

    found = product_map_by_code(
        codes=["drill-18v", "DRILL-18V", " Bits-32 ", "4006381333931", "4012-3456 78901", "NOPE"]
    )

    assert found == {
        "drill-18v": drill,
        "DRILL-18V": drill,
        "Bits-32": bits,
        "4006381333931": bits,
        "4012-3456 78901": discontinued,
    }


def test_an_exact_sku_wins_over_one_in_another_case(drill):
    lower = ProductFactory(sku="drill-18v")

    assert product_map_by_code(codes=["drill-18v"]) == {"drill-18v": lower}
