import datetime
from zoneinfo import ZoneInfo

import pytest

from config.exceptions import InvalidInput
from stores.selectors import (
    distance_km,
    store_list_by_distance,
    store_next_open_at,
    store_ready_by,
)
from tests.stores.factories import StoreClosureFactory, StoreFactory, opening_hours_set

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
PASSAU = (48.5665, 13.4312)
DEGGENDORF = (48.8353, 12.9644)
MUNICH = (48.1372, 11.5756)
BERLIN_CITY = (52.5200, 13.4050)


def _store(code: str, point: tuple[float, float], **fields):
    return StoreFactory(code=code, latitude=point[0], longitude=point[1], **fields)


def test_distance_km_is_the_great_circle_distance():
    assert round(distance_km(*PASSAU, *MUNICH), 1) == 145.2
    assert round(distance_km(*MUNICH, *BERLIN_CITY), 1) == 504.3
    assert distance_km(*PASSAU, *PASSAU) == 0.0


def test_store_list_by_distance_lists_nearest_first_with_distances():
    _store("BER-01", BERLIN_CITY)
    _store("MUC-01", MUNICH)
    _store("PAS-01", PASSAU)
    _store("DEG-01", DEGGENDORF)

    stores = store_list_by_distance(latitude=48.5748, longitude=13.4609)

    assert [(row.store.code, round(row.distance_km)) for row in stores] == [
        ("PAS-01", 2),
        ("DEG-01", 47),
        ("MUC-01", 148),
        ("BER-01", 439),
    ]


def test_store_list_by_distance_keeps_stores_within_the_radius_and_up_to_the_limit():
    _store("PAS-01", PASSAU)
    _store("DEG-01", DEGGENDORF)
    _store("MUC-01", MUNICH)
    _store("BER-01", BERLIN_CITY)

    within_150 = store_list_by_distance(latitude=PASSAU[0], longitude=PASSAU[1], radius_km=150)
    nearest_two = store_list_by_distance(latitude=PASSAU[0], longitude=PASSAU[1], limit=2)

    assert [row.store.code for row in within_150] == ["PAS-01", "DEG-01", "MUC-01"]
    assert [row.store.code for row in nearest_two] == ["PAS-01", "DEG-01"]


def test_store_list_by_distance_leaves_out_inactive_stores_and_stores_without_click_and_collect():
    _store("PAS-01", PASSAU)
    _store("DEG-01", DEGGENDORF, is_active=False)
    _store("MUC-01", MUNICH, click_and_collect_enabled=False)

    stores = store_list_by_distance(latitude=PASSAU[0], longitude=PASSAU[1])

    assert [row.store.code for row in stores] == ["PAS-01"]


def test_store_list_by_distance_without_a_point_lists_every_store_by_code():
    _store("PAS-01", PASSAU)
    _store("BER-01", BERLIN_CITY)

    stores = store_list_by_distance(latitude=None, longitude=None)

    assert [(row.store.code, row.distance_km) for row in stores] == [
        ("BER-01", None),
        ("PAS-01", None),
    ]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"latitude": 91.0, "longitude": 13.0}, "latitude"),
        ({"latitude": -90.5, "longitude": 13.0}, "latitude"),
        ({"latitude": 48.0, "longitude": 180.5}, "longitude"),
        ({"latitude": float("nan"), "longitude": 13.0}, "latitude"),
        ({"latitude": 48.0, "longitude": 13.0, "radius_km": 0}, "radius_km"),
        ({"latitude": 48.0, "longitude": 13.0, "radius_km": -5}, "radius_km"),
        ({"latitude": 48.0, "longitude": 13.0, "limit": 0}, "limit"),
        ({"latitude": None, "longitude": 13.0}, "latitude"),
        ({"latitude": None, "longitude": None, "radius_km": 10}, "radius_km"),
        ({"latitude": "48.5", "longitude": 13.0}, "latitude"),
        ({"latitude": 48.0, "longitude": 13.0, "radius_km": float("inf")}, "radius_km"),
    ],
)
def test_store_list_by_distance_refuses_a_bad_location_naming_the_field(arguments, field):
    _store("PAS-01", PASSAU)

    with pytest.raises(InvalidInput) as refused:
        store_list_by_distance(**arguments)

    assert refused.value.code == "invalid"
    assert list(refused.value.fields) == [field]


@pytest.mark.parametrize("stores", [3, 30])
def test_store_list_by_distance_runs_three_queries_whatever_the_number_of_stores(
    stores, django_assert_max_num_queries
):
    for number in range(stores):
        opening_hours_set(_store(f"S-{number:02d}", (48 + number / 10, 11.0)))

    with django_assert_max_num_queries(3):
        rows = store_list_by_distance(latitude=48.0, longitude=11.0)
        hours = [len(row.store.opening_hours.all()) for row in rows]

    assert hours == [6] * stores


def test_store_next_open_at_is_the_moment_itself_while_the_store_is_open():
    store = opening_hours_set(_store("PAS-01", PASSAU))
    monday_morning = datetime.datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)

    assert store_next_open_at(store=store, after=monday_morning) == monday_morning


def test_store_next_open_at_is_the_opening_time_before_the_store_opens():
    store = opening_hours_set(_store("PAS-01", PASSAU))

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2026, 11, 23, 6, 15, tzinfo=BERLIN)
    )

    assert opens == datetime.datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)


def test_store_next_open_at_skips_the_closed_sunday_after_saturday_closing():
    store = opening_hours_set(_store("PAS-01", PASSAU))

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2026, 11, 28, 20, 0, tzinfo=BERLIN)
    )

    assert opens == datetime.datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)


def test_store_next_open_at_skips_closure_days():
    store = opening_hours_set(_store("PAS-01", PASSAU))
    StoreClosureFactory(store=store, date=datetime.date(2026, 12, 24))
    StoreClosureFactory(store=store, date=datetime.date(2026, 12, 25))
    StoreClosureFactory(store=store, date=datetime.date(2026, 12, 26))

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2026, 12, 23, 21, 0, tzinfo=BERLIN)
    )

    assert opens == datetime.datetime(2026, 12, 28, 8, 0, tzinfo=BERLIN)


def test_store_next_open_at_reads_the_hours_in_the_stores_own_time_zone():
    store = opening_hours_set(_store("NYC-01", (40.7128, -74.0060), timezone="America/New_York"))

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)
    )

    assert opens == datetime.datetime(2026, 11, 23, 13, 0, tzinfo=datetime.UTC)
    assert opens.tzinfo == ZoneInfo("America/New_York")


def test_store_next_open_at_keeps_local_opening_time_across_the_change_to_summer_time():
    store = opening_hours_set(_store("PAS-01", PASSAU))

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2027, 3, 27, 21, 0, tzinfo=BERLIN)
    )

    assert opens == datetime.datetime(2027, 3, 29, 8, 0, tzinfo=BERLIN)
    assert opens.astimezone(datetime.UTC).hour == 6


def test_store_next_open_at_is_none_for_a_store_without_opening_hours():
    store = _store("PAS-01", PASSAU)

    opens = store_next_open_at(
        store=store, after=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    )

    assert opens is None


def test_store_next_open_at_refuses_a_time_without_time_zone():
    store = opening_hours_set(_store("PAS-01", PASSAU))

    with pytest.raises(InvalidInput) as refused:
        store_next_open_at(store=store, after=datetime.datetime(2026, 11, 23, 9, 0))  # noqa: DTZ001

    assert list(refused.value.fields) == ["after"]


def test_store_ready_by_in_stock_adds_the_picking_time_during_opening_hours(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    store = opening_hours_set(_store("PAS-01", PASSAU))

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN),
        via_transfer=False,
    )

    assert ready == datetime.datetime(2026, 11, 23, 13, 0, tzinfo=BERLIN)


def test_store_ready_by_continues_picking_when_the_store_opens_again(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    store = opening_hours_set(_store("PAS-01", PASSAU))

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 23, 19, 30, tzinfo=BERLIN),
        via_transfer=False,
    )

    assert ready == datetime.datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN)


def test_store_ready_by_after_closing_time_starts_picking_at_the_next_opening(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    store = opening_hours_set(_store("PAS-01", PASSAU))

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 28, 22, 0, tzinfo=BERLIN),
        via_transfer=False,
    )

    assert ready == datetime.datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)


def test_store_ready_by_a_transfer_adds_its_travel_time_first(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    settings.TRANSFER_LEAD_TIME_HOURS = 48
    store = opening_hours_set(_store("PAS-01", PASSAU))

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN),
        via_transfer=True,
    )

    assert ready == datetime.datetime(2026, 11, 25, 13, 0, tzinfo=BERLIN)


def test_store_ready_by_promises_whole_minutes(settings):
    settings.PICKING_LEAD_TIME_MINUTES = 120
    store = opening_hours_set(_store("PAS-01", PASSAU))

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 23, 11, 0, 1, 500, tzinfo=BERLIN),
        via_transfer=False,
    )

    assert ready == datetime.datetime(2026, 11, 23, 13, 1, tzinfo=BERLIN)


def test_store_ready_by_is_none_for_a_store_that_never_opens():
    store = _store("PAS-01", PASSAU)

    ready = store_ready_by(
        store=store,
        now=datetime.datetime(2026, 11, 23, 11, 0, tzinfo=BERLIN),
        via_transfer=False,
    )

    assert ready is None
