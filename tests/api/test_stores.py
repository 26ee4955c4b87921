import datetime

import pytest

from tests.stores.factories import OpeningHoursFactory, StoreFactory

URL = "/api/v1/stores/"
PASSAU = {"lat": 48.5665, "lon": 13.4312}


@pytest.fixture
def bavarian_stores():
    passau = StoreFactory(code="PAS-01", name="Passau", latitude=48.5665, longitude=13.4312)
    OpeningHoursFactory(store=passau, weekday=0, opens=datetime.time(8), closes=datetime.time(20))
    regensburg = StoreFactory(code="REG-01", name="Regensburg", latitude=49.0134, longitude=12.1016)
    munich = StoreFactory(code="MUC-01", name="München", latitude=48.1351, longitude=11.5820)
    StoreFactory(code="OFF-01", latitude=48.57, longitude=13.43, click_and_collect_enabled=False)
    return passau, regensburg, munich


@pytest.mark.django_db
def test_stores_are_listed_nearest_first_with_distance_and_hours(anonymous, bavarian_stores):
    response = anonymous.get(URL, PASSAU)

    assert response.status_code == 200
    body = response.json()
    assert [store["code"] for store in body] == ["PAS-01", "REG-01", "MUC-01"]
    assert body[0]["distance_km"] == 0.0
    assert body[1]["distance_km"] == 109.35
    assert body[0]["opening_hours"] == [{"weekday": 0, "opens": "08:00:00", "closes": "20:00:00"}]
    assert body[0]["address"] == {
        "street": "Bahnhofstraße 1",
        "postcode": "94032",
        "city": "Passau",
        "country": "DE",
    }


@pytest.mark.django_db
def test_a_radius_keeps_only_the_stores_within_it(anonymous, bavarian_stores):
    response = anonymous.get(URL, {**PASSAU, "radius_km": 120})

    assert [store["code"] for store in response.json()] == ["PAS-01", "REG-01"]


@pytest.mark.django_db
def test_without_a_point_stores_are_listed_by_code_without_distance(anonymous, bavarian_stores):
    response = anonymous.get(URL)

    assert response.status_code == 200
    assert [(store["code"], store["distance_km"]) for store in response.json()] == [
        ("MUC-01", None),
        ("PAS-01", None),
        ("REG-01", None),
    ]


@pytest.mark.django_db
def test_limit_caps_the_number_of_stores(anonymous, bavarian_stores):
    response = anonymous.get(URL, {**PASSAU, "limit": 1})

    assert [store["code"] for store in response.json()] == ["PAS-01"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "north", "lon": 13.4}, "lat"),
        ({"lat": 48.5, "lon": "east"}, "lon"),
        ({"lat": 91, "lon": 13.4}, "lat"),
        ({"lat": -90.5, "lon": 13.4}, "lat"),
        ({"lat": 48.5, "lon": 180.1}, "lon"),
        ({"lat": "nan", "lon": 13.4}, "lat"),
        ({"lat": 48.5, "lon": "inf"}, "lon"),
        ({"lat": 48.5}, "lon"),
        ({"lon": 13.4}, "lat"),
        ({"radius_km": 10}, "radius_km"),
        ({"lat": 48.5, "lon": 13.4, "radius_km": -1}, "radius_km"),
        ({"lat": 48.5, "lon": 13.4, "radius_km": 0}, "radius_km"),
        ({"lat": 48.5, "lon": 13.4, "radius_km": 10**9}, "radius_km"),
        ({"lat": 48.5, "lon": 13.4, "radius_km": "far"}, "radius_km"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_a_bad_query_parameter_answers_400_naming_it(anonymous, bavarian_stores, params, field):
    response = anonymous.get(URL, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_stores", [3, 30])
def test_listing_stores_runs_the_same_few_queries_whatever_their_number(
    anonymous, django_assert_max_num_queries, number_of_stores
):
    for index in range(number_of_stores):
        store = StoreFactory(latitude=48 + index / 100, longitude=13)
        OpeningHoursFactory(store=store, weekday=1)
        OpeningHoursFactory(store=store, weekday=2)

    with django_assert_max_num_queries(3):
        response = anonymous.get(URL, {**PASSAU, "limit": 500})

    assert len(response.json()) == number_of_stores
