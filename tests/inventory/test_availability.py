import datetime
from zoneinfo import ZoneInfo

import pytest

from config.exceptions import InvalidInput
from inventory.exceptions import InvalidQuantity
from inventory.selectors import availability_for_lines, availability_for_sku
from stores.models import Store
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreClosureFactory, StoreFactory, opening_hours_set

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_11 = datetime.datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN)
PASSAU = (48.5665, 13.4312)
DEGGENDORF = (48.8353, 12.9644)
LANDSHUT = (48.5442, 12.1469)
MUNICH = (48.1372, 11.5756)


@pytest.fixture(autouse=True)
def _lead_times(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    settings.TRANSFER_LEAD_TIME_HOURS = 48


def _store(code: str, point: tuple[float, float], **fields):
    store = StoreFactory(code=code, latitude=point[0], longitude=point[1], **fields)
    return opening_hours_set(store)


def _summary(rows):
    return [(row.store.code, row.available, row.in_stock) for row in rows]


def test_availability_for_sku_promises_on_hand_less_reserved_less_safety_stock():
    drill = ProductFactory(sku="AKKU-BS-18V")
    passau = _store("PAS-01", PASSAU)
    StockLevelFactory(store=passau, product=drill, on_hand=10, reserved=3, safety_stock=2)

    (row,) = availability_for_sku(product=drill, now=MONDAY_11)

    assert (row.store, row.available, row.in_stock, row.distance_km) == (passau, 5, True, None)


def test_availability_for_sku_never_promises_a_negative_quantity():
    drill = ProductFactory(sku="AKKU-BS-18V")
    passau = _store("PAS-01", PASSAU)
    StockLevelFactory(store=passau, product=drill, on_hand=4, reserved=3, safety_stock=2)

    (row,) = availability_for_sku(product=drill, now=MONDAY_11)

    assert (row.available, row.in_stock) == (0, False)


def test_availability_for_sku_counts_a_store_without_stock_row_as_zero():
    drill = ProductFactory(sku="AKKU-BS-18V")
    _store("PAS-01", PASSAU)

    (row,) = availability_for_sku(product=drill, now=MONDAY_11)

    assert (row.store.code, row.available, row.in_stock) == ("PAS-01", 0, False)


def test_availability_for_sku_is_in_stock_only_where_the_asked_quantity_is_available():
    drill = ProductFactory(sku="AKKU-BS-18V")
    StockLevelFactory(store=_store("PAS-01", PASSAU), product=drill, on_hand=2)
    StockLevelFactory(store=_store("DEG-01", DEGGENDORF), product=drill, on_hand=3)

    rows = availability_for_sku(product=drill, quantity=3, now=MONDAY_11)

    assert _summary(rows) == [("DEG-01", 3, True), ("PAS-01", 2, False)]


def test_availability_for_sku_is_ready_after_picking_in_stock_and_after_a_transfer_otherwise():
    drill = ProductFactory(sku="AKKU-BS-18V")
    StockLevelFactory(store=_store("PAS-01", PASSAU), product=drill, on_hand=1)
    StockLevelFactory(store=_store("DEG-01", DEGGENDORF), product=drill, on_hand=0)

    rows = availability_for_sku(
        product=drill, latitude=PASSAU[0], longitude=PASSAU[1], now=MONDAY_11
    )

    assert [(row.store.code, row.ready_by) for row in rows] == [
        ("PAS-01", datetime.datetime(2026, 11, 23, 13, 0, tzinfo=BERLIN)),
        ("DEG-01", datetime.datetime(2026, 11, 25, 13, 0, tzinfo=BERLIN)),
    ]


def test_availability_for_sku_ready_by_honours_each_stores_closures():
    drill = ProductFactory(sku="AKKU-BS-18V")
    passau = _store("PAS-01", PASSAU)
    deggendorf = _store("DEG-01", DEGGENDORF)
    StockLevelFactory(store=passau, product=drill, on_hand=1)
    StockLevelFactory(store=deggendorf, product=drill, on_hand=1)
    StoreClosureFactory(store=deggendorf, date=datetime.date(2026, 11, 23), reason="Inventur")

    rows = availability_for_sku(product=drill, now=MONDAY_11)

    assert [(row.store.code, row.ready_by) for row in rows] == [
        ("DEG-01", datetime.datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)),
        ("PAS-01", datetime.datetime(2026, 11, 23, 13, 0, tzinfo=BERLIN)),
    ]


def test_availability_for_sku_lists_stores_nearest_first_within_radius_and_limit():
    drill = ProductFactory(sku="AKKU-BS-18V")
    for code, point in (
        ("MUC-01", MUNICH),
        ("LAN-01", LANDSHUT),
        ("PAS-01", PASSAU),
        ("DEG-01", DEGGENDORF),
    ):
        StockLevelFactory(store=_store(code, point), product=drill, on_hand=5)

    nearest_two = availability_for_sku(
        product=drill, latitude=PASSAU[0], longitude=PASSAU[1], limit=2, now=MONDAY_11
    )
    within_100 = availability_for_sku(
        product=drill, latitude=PASSAU[0], longitude=PASSAU[1], radius_km=100, now=MONDAY_11
    )

    assert [(row.store.code, row.distance_km) for row in nearest_two] == [
        ("PAS-01", 0.0),
        ("DEG-01", 45.463),
    ]
    assert [row.store.code for row in within_100] == ["PAS-01", "DEG-01", "LAN-01"]


def test_availability_for_sku_leaves_out_stores_that_do_not_take_click_and_collect_orders():
    drill = ProductFactory(sku="AKKU-BS-18V")
    StockLevelFactory(store=_store("PAS-01", PASSAU), product=drill, on_hand=5)
    StockLevelFactory(store=_store("DEG-01", DEGGENDORF, is_active=False), product=drill)
    StockLevelFactory(
        store=_store("LAN-01", LANDSHUT, click_and_collect_enabled=False), product=drill
    )

    rows = availability_for_sku(product=drill, now=MONDAY_11)

    assert _summary(rows) == [("PAS-01", 5, True)]


@pytest.mark.parametrize("quantity", [0, -1, 2.5, "3", True])
def test_availability_for_sku_refuses_a_quantity_that_is_not_a_positive_whole_number(quantity):
    drill = ProductFactory(sku="AKKU-BS-18V")

    with pytest.raises(InvalidQuantity) as refused:
        availability_for_sku(product=drill, quantity=quantity)

    assert refused.value.code == "invalid_quantity"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"latitude": 48.5}, "longitude"),
        ({"latitude": 95.0, "longitude": 13.4}, "latitude"),
        ({"radius_km": 10}, "radius_km"),
        ({"latitude": 48.5, "longitude": 13.4, "limit": 0}, "limit"),
    ],
)
def test_availability_for_sku_refuses_a_bad_location_naming_the_field(arguments, field):
    drill = ProductFactory(sku="AKKU-BS-18V")

    with pytest.raises(InvalidInput) as refused:
        availability_for_sku(product=drill, **arguments)

    assert list(refused.value.fields) == [field]


def test_availability_for_sku_refuses_a_time_without_time_zone():
    drill = ProductFactory(sku="AKKU-BS-18V")

    with pytest.raises(InvalidInput) as refused:
        availability_for_sku(product=drill, now=datetime.datetime(2026, 11, 23, 11, 0))  # noqa: DTZ001

    assert list(refused.value.fields) == ["now"]


def _stores_with_stock(count: int, *products) -> None:
    for number in range(count):
        store = _store(f"S-{number:03d}", (47.5 + number / 20, 9.0 + number / 20))
        for product in products:
            StockLevelFactory(store=store, product=product, on_hand=number % 4)
        if number % 5 == 0:
            StoreClosureFactory(store=store, date=datetime.date(2026, 11, 24))


@pytest.mark.parametrize("stores", [3, 40])
def test_availability_for_sku_across_all_stores_runs_three_queries_whatever_their_number(
    stores, django_assert_max_num_queries
):
    drill = ProductFactory(sku="AKKU-BS-18V")
    _stores_with_stock(stores, drill)

    with django_assert_max_num_queries(3):
        rows = availability_for_sku(product=drill, latitude=48.0, longitude=10.0, now=MONDAY_11)
        codes = [row.store.code for row in rows]

    assert len(codes) == stores


@pytest.mark.parametrize("stores", [3, 40])
def test_availability_for_sku_near_a_point_runs_four_queries_whatever_the_number_of_stores(
    stores, django_assert_max_num_queries
):
    drill = ProductFactory(sku="AKKU-BS-18V")
    _stores_with_stock(stores, drill)

    with django_assert_max_num_queries(4):
        rows = availability_for_sku(
            product=drill, latitude=48.0, longitude=10.0, limit=10, now=MONDAY_11
        )

    assert len(rows) == min(stores, 10)


def test_availability_for_lines_lists_only_stores_that_have_every_line_nearest_first():
    drill = ProductFactory(sku="AKKU-BS-18V")
    battery = ProductFactory(sku="AKKU-18V-40AH")
    passau = _store("PAS-01", PASSAU)
    deggendorf = _store("DEG-01", DEGGENDORF)
    landshut = _store("LAN-01", LANDSHUT)
    munich = _store("MUC-01", MUNICH)
    StockLevelFactory(store=passau, product=drill, on_hand=1)
    StockLevelFactory(store=deggendorf, product=drill, on_hand=3)
    StockLevelFactory(store=deggendorf, product=battery, on_hand=1)
    StockLevelFactory(store=landshut, product=drill, on_hand=5)
    StockLevelFactory(store=landshut, product=battery, on_hand=2)
    StockLevelFactory(store=munich, product=drill, on_hand=2)
    StockLevelFactory(store=munich, product=battery, on_hand=9)

    rows = availability_for_lines(
        lines=[(drill.pk, 2), (battery.pk, 2)],
        latitude=PASSAU[0],
        longitude=PASSAU[1],
        now=MONDAY_11,
    )

    assert [
        (row.store.code, row.available, dict(row.available_by_product), row.in_stock)
        for row in rows
    ] == [
        ("LAN-01", 2, {drill.pk: 5, battery.pk: 2}, True),
        ("MUC-01", 2, {drill.pk: 2, battery.pk: 9}, True),
    ]
    assert rows[0].ready_by == datetime.datetime(2026, 11, 23, 13, 0, tzinfo=BERLIN)


def test_availability_for_lines_adds_up_lines_of_the_same_product():
    drill = ProductFactory(sku="AKKU-BS-18V")
    StockLevelFactory(store=_store("PAS-01", PASSAU), product=drill, on_hand=3)
    StockLevelFactory(store=_store("DEG-01", DEGGENDORF), product=drill, on_hand=4)

    rows = availability_for_lines(
        lines=[(drill.pk, 2), (drill.pk, 2)], latitude=PASSAU[0], longitude=PASSAU[1]
    )

    assert _summary(rows) == [("DEG-01", 4, True)]


def test_availability_for_lines_leaves_out_the_excluded_store_and_stops_at_the_limit():
    drill = ProductFactory(sku="AKKU-BS-18V")
    passau = _store("PAS-01", PASSAU)
    for store in (passau, _store("DEG-01", DEGGENDORF), _store("LAN-01", LANDSHUT)):
        StockLevelFactory(store=store, product=drill, on_hand=5)
    _store("MUC-01", MUNICH)

    rows = availability_for_lines(
        lines=[(drill.pk, 1)],
        latitude=PASSAU[0],
        longitude=PASSAU[1],
        limit=1,
        exclude_store_id=passau.pk,
    )

    assert _summary(rows) == [("DEG-01", 5, True)]


def test_availability_for_lines_without_a_point_lists_stores_by_code():
    drill = ProductFactory(sku="AKKU-BS-18V")
    StockLevelFactory(store=_store("PAS-01", PASSAU), product=drill, on_hand=5)
    StockLevelFactory(store=_store("DEG-01", DEGGENDORF), product=drill, on_hand=5)

    rows = availability_for_lines(lines=[(drill.pk, 1)], latitude=None, longitude=None)

    assert [(row.store.code, row.distance_km) for row in rows] == [
        ("DEG-01", None),
        ("PAS-01", None),
    ]


@pytest.mark.parametrize(
    "lines", [[], [(1, 0)], [(1, -2)], [(1, 1.5)]], ids=["none", "zero", "negative", "fraction"]
)
def test_availability_for_lines_refuses_lines_without_a_positive_whole_quantity(lines):
    with pytest.raises(InvalidQuantity) as refused:
        availability_for_lines(lines=lines, latitude=PASSAU[0], longitude=PASSAU[1])

    assert refused.value.code == "invalid_quantity"


@pytest.mark.parametrize("stores", [3, 40])
def test_availability_for_lines_runs_five_queries_whatever_the_number_of_stores(
    stores, django_assert_max_num_queries
):
    drill = ProductFactory(sku="AKKU-BS-18V")
    battery = ProductFactory(sku="AKKU-18V-40AH")
    _stores_with_stock(stores, drill, battery)

    with django_assert_max_num_queries(5):
        rows = availability_for_lines(
            lines=[(drill.pk, 1), (battery.pk, 1)], latitude=48.0, longitude=10.0
        )
        codes = [row.store.code for row in rows]

    assert len(codes) == len([number for number in range(stores) if number % 4])


def test_availability_for_sku_stores_behave_like_stores_loaded_by_a_queryset():
    drill = ProductFactory(sku="AKKU-BS-18V")
    passau = _store("PAS-01", PASSAU)

    (row,) = availability_for_sku(product=drill, now=MONDAY_11)
    row.store.name = "Baumarkt Passau-Nord"
    row.store.save()

    passau.refresh_from_db()
    assert (passau.name, row.store.city, row.store.opening_hours.count()) == (
        "Baumarkt Passau-Nord",
        "Passau",
        6,
    )
    assert Store.objects.count() == 1
