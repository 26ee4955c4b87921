from decimal import Decimal

import pytest

from inventory.exceptions import UnknownProduct
from inventory.selectors import (
    product_get_by_sku,
    product_list,
    product_list_accessories_available,
    stock_level_list_for_store,
)
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_product_get_by_sku_finds_the_product():
    drill = ProductFactory(sku="AKKU-BS-18V", price=Decimal("129.00"))

    assert product_get_by_sku(sku="AKKU-BS-18V") == drill


@pytest.mark.parametrize("sku", ["NOPE-1", "", "akku-bs-18v"])
def test_product_get_by_sku_raises_unknown_sku_for_a_sku_nobody_sells(sku):
    ProductFactory(sku="AKKU-BS-18V")

    with pytest.raises(UnknownProduct) as refused:
        product_get_by_sku(sku=sku)

    assert (refused.value.code, refused.value.status) == ("unknown_sku", 404)


def test_product_get_by_sku_treats_a_discontinued_product_as_unknown_unless_asked():
    old = ProductFactory(sku="AKKU-BS-14V", is_active=False)

    with pytest.raises(UnknownProduct):
        product_get_by_sku(sku="AKKU-BS-14V")

    assert product_get_by_sku(sku="AKKU-BS-14V", include_inactive=True) == old


def test_product_list_matches_every_word_of_the_search_in_name_sku_start_or_gtin():
    ProductFactory(sku="AKKU-BS-18V", name="Akku-Bohrschrauber 18V", gtin="4012345000016")
    ProductFactory(sku="AKKU-18V-40AH", name="Akku 18V 4,0 Ah Li-Ion", gtin="4012345000047")
    ProductFactory(sku="HAMMER-300", name="Schlosserhammer 300 g", gtin="4012345001211")
    ProductFactory(sku="AKKU-BS-12V", name="Akku-Bohrschrauber 12V", is_active=False)

    assert [p.sku for p in product_list(search="bohrschrauber")] == ["AKKU-BS-18V"]
    assert [p.sku for p in product_list(search="akku 18v")] == ["AKKU-18V-40AH", "AKKU-BS-18V"]
    assert [p.sku for p in product_list(search="hammer-")] == ["HAMMER-300"]
    assert [p.sku for p in product_list(search="4012345001211")] == ["HAMMER-300"]
    assert [p.sku for p in product_list()] == ["AKKU-18V-40AH", "AKKU-BS-18V", "HAMMER-300"]


def test_product_list_accessories_available_names_up_to_three_available_at_that_store():
    passau = StoreFactory(code="PAS-01")
    drill = ProductFactory(sku="AKKU-BS-18V")
    bits = ProductFactory(sku="BIT-SET-32")
    battery = ProductFactory(sku="AKKU-18V-40AH")
    charger = ProductFactory(sku="LADEGERAET-18V")
    drills = ProductFactory(sku="HOLZBOHRER-SET-8")
    reserved_away = ProductFactory(sku="AKKU-18V-20AH")
    discontinued = ProductFactory(sku="BIT-SET-10", is_active=False)
    drill.accessories.add(bits, battery, charger, drills, reserved_away, discontinued)
    for product in (bits, battery, charger, drills, discontinued):
        StockLevelFactory(store=passau, product=product, on_hand=2)
    StockLevelFactory(store=passau, product=reserved_away, on_hand=2, reserved=1, safety_stock=1)

    accessories = product_list_accessories_available(product=drill, store_id=passau.pk)

    assert [p.sku for p in accessories] == ["AKKU-18V-40AH", "BIT-SET-32", "HOLZBOHRER-SET-8"]


def test_stock_level_list_for_store_lists_the_stores_rows_by_sku_or_one_sku():
    passau = StoreFactory(code="PAS-01")
    deggendorf = StoreFactory(code="DEG-01")
    StockLevelFactory(store=passau, product=ProductFactory(sku="B"), on_hand=4)
    StockLevelFactory(store=passau, product=ProductFactory(sku="A"), on_hand=7)
    StockLevelFactory(store=deggendorf, product=ProductFactory(sku="C"), on_hand=1)

    everything = stock_level_list_for_store(store_id=passau.pk)
    only_b = stock_level_list_for_store(store_id=passau.pk, sku="B")

    assert [(level.product.sku, level.on_hand) for level in everything] == [("A", 7), ("B", 4)]
    assert [level.product.sku for level in only_b] == ["B"]
