"""The little world the shopper tests share: Passau with six drills, Regensburg with none."""

import datetime

from inventory.models import Product
from stores.models import Store
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory, opening_hours_set


def passau_store() -> Store:
    return opening_hours_set(
        StoreFactory(
            code="PAS-01",
            name="Baumarkt Passau",
            street="Neuburger Straße 120",
            postcode="94036",
            city="Passau",
            phone="+49 851 9660210",
            latitude=48.5665,
            longitude=13.4312,
        ),
        opens=datetime.time(8),
        closes=datetime.time(20),
    )


def regensburg_store() -> Store:
    return opening_hours_set(
        StoreFactory(
            code="REG-01",
            name="Baumarkt Regensburg",
            street="Straubinger Straße 50",
            postcode="93055",
            city="Regensburg",
            latitude=49.0134,
            longitude=12.1016,
        )
    )


def drill_product() -> Product:
    return ProductFactory(
        sku="AKKU-BS-18V",
        name="Akku-Bohrschrauber 18V, 2 Akkus, im Koffer",
        name_en="Cordless drill driver 18V, 2 batteries, in a case",
        category="Elektrowerkzeuge",
        price="129.00",
    )


def drill_stocked(*, passau: Store, regensburg: Store, drill: Product) -> dict:
    """6 drills in Passau, none in Regensburg."""
    return {
        "passau": StockLevelFactory(store=passau, product=drill, on_hand=6),
        "regensburg": StockLevelFactory(store=regensburg, product=drill, on_hand=0),
    }


def order_path(placed) -> str:
    """The order page's path with its token, as the confirmation message links to it."""
    return f"/orders/{placed.order.number}/?token={placed.access_token}"
