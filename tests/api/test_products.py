import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from demo.inventory import demo_products_seed
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import OpeningHoursFactory, StoreFactory

PASSAU = {"lat": 48.5665, "lon": 13.4312}


@pytest.fixture
def drill():
    drill = ProductFactory(sku="DRL-18V", name="Cordless drill 18 V", price="129.00")
    bits = ProductFactory(sku="BIT-SET", name="Drill bit set", price="19.99")
    ProductFactory(sku="BAT-OLD", name="Old battery", is_active=False)
    drill.accessories.add(bits)
    return drill


@pytest.mark.django_db
def test_products_are_listed_by_sku_and_found_by_a_word_of_their_name(anonymous, drill):
    everything = anonymous.get("/api/v1/products/")
    searched = anonymous.get("/api/v1/products/", {"search": "cordless"})

    assert everything.status_code == 200
    assert everything.json()["count"] == 2
    assert [product["sku"] for product in everything.json()["results"]] == ["BIT-SET", "DRL-18V"]
    assert searched.json() == {
        "count": 1,
        "results": [
            {
                "sku": "DRL-18V",
                "name": "Cordless drill 18 V",
                "name_en": "",
                "description": "",
                "description_en": "",
                "category": "",
                "price": "129.00",
                "gtin": "",
            }
        ],
    }


@pytest.mark.django_db
def test_limit_and_offset_page_through_products(anonymous, drill):
    response = anonymous.get("/api/v1/products/", {"limit": 1, "offset": 1})

    assert response.json()["count"] == 2
    assert [product["sku"] for product in response.json()["results"]] == ["DRL-18V"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "all"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"search": "x" * 101}, "search"),
    ],
)
def test_a_bad_product_query_answers_400_naming_the_parameter(anonymous, drill, params, field):
    response = anonymous.get("/api/v1/products/", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
def test_a_product_shows_its_accessories_on_sale(anonymous, drill):
    response = anonymous.get("/api/v1/products/DRL-18V/")

    assert response.status_code == 200
    assert response.json()["accessories"] == [
        {"sku": "BIT-SET", "name": "Drill bit set", "name_en": "", "price": "19.99"}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("sku", ["NOPE-1", "BAT-OLD"])
def test_an_unknown_or_retired_sku_answers_404_unknown_sku(anonymous, drill, sku):
    detail = anonymous.get(f"/api/v1/products/{sku}/")
    availability = anonymous.get(f"/api/v1/products/{sku}/availability/")

    assert (detail.status_code, detail.json()["code"]) == (404, "unknown_sku")
    assert (availability.status_code, availability.json()["code"]) == (404, "unknown_sku")


@pytest.fixture
def stocked_stores(drill):
    passau = StoreFactory(code="PAS-01", latitude=48.5665, longitude=13.4312)
    regensburg = StoreFactory(code="REG-01", latitude=49.0134, longitude=12.1016)
    StoreFactory(code="MUC-01", latitude=48.1351, longitude=11.5820)
    for store in (passau, regensburg):
        for weekday in range(7):
            OpeningHoursFactory(store=store, weekday=weekday)
    StockLevelFactory(store=passau, product=drill, on_hand=1)
    StockLevelFactory(store=regensburg, product=drill, on_hand=5, reserved=1, safety_stock=1)
    return passau, regensburg


@pytest.mark.django_db
def test_availability_lists_each_store_nearest_first_with_units_and_ready_by(
    anonymous, stocked_stores
):
    response = anonymous.get("/api/v1/products/DRL-18V/availability/", {**PASSAU, "quantity": 2})

    assert response.status_code == 200
    rows = response.json()
    assert [
        (row["store"], row["distance_km"], row["available"], row["in_stock"]) for row in rows
    ] == [
        ("PAS-01", 0.0, 1, False),
        ("REG-01", 109.345, 3, True),
        ("MUC-01", 144.82, 0, False),
    ]
    now = timezone.now()
    pas_ready, reg_ready = (parse_datetime(row["ready_by"]) for row in rows[:2])
    assert now < reg_ready < pas_ready
    assert pas_ready - now > datetime.timedelta(hours=24)
    assert rows[2]["ready_by"] is None


@pytest.mark.django_db
def test_availability_within_a_radius_and_limit(anonymous, stocked_stores):
    response = anonymous.get(
        "/api/v1/products/DRL-18V/availability/", {**PASSAU, "radius_km": 115, "limit": 1}
    )

    assert [row["store"] for row in response.json()] == ["PAS-01"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"lat": 100, "lon": 13}, "lat"),
        ({"lat": 48, "lon": "west"}, "lon"),
        ({"lat": 48}, "lon"),
        ({"lat": 48, "lon": 13, "radius_km": -5}, "radius_km"),
        ({"lat": 48, "lon": 13, "radius_km": 1e12}, "radius_km"),
        ({"limit": 0}, "limit"),
    ],
)
def test_a_bad_availability_query_answers_400_naming_the_parameter(
    anonymous, stocked_stores, params, field
):
    response = anonymous.get("/api/v1/products/DRL-18V/availability/", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_stores", [3, 40])
def test_availability_runs_a_bounded_number_of_queries_whatever_the_number_of_stores(
    anonymous, drill, django_assert_max_num_queries, number_of_stores
):
    for index in range(number_of_stores):
        store = StoreFactory(latitude=48 + index / 100, longitude=13)
        OpeningHoursFactory(store=store, weekday=index % 7)
        StockLevelFactory(store=store, product=drill, on_hand=index)

    with django_assert_max_num_queries(6):
        response = anonymous.get("/api/v1/products/DRL-18V/availability/", PASSAU)

    assert len(response.json()) == number_of_stores


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_products", [3, 40])
def test_listing_products_runs_two_queries_whatever_their_number(
    anonymous, django_assert_max_num_queries, number_of_products
):
    ProductFactory.create_batch(number_of_products)

    with django_assert_max_num_queries(2):
        response = anonymous.get("/api/v1/products/", {"limit": 200})

    assert response.json()["count"] == number_of_products


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize(
    "search",
    [
        "Akku-Schrauber",
        "Akkuschrauber",
        "Akku Schrauber",
        "Akkuschruber",
        "drill",
        "cordless drill",
    ],
)
def test_the_story_words_in_german_and_english_find_the_cordless_drill_first(anonymous, search):
    demo_products_seed(report=lambda message: None)

    response = anonymous.get("/api/v1/products/", {"search": search})

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert (first["sku"], first["name_en"]) == (
        "AKKU-BS-18V",
        "Cordless drill driver 18V, 2 batteries 2.0 Ah, charger, in a case",
    )
    assert first["name"] == "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"


@pytest.mark.django_db
def test_a_product_reads_the_same_queries_for_2_and_20_accessories(anonymous, drill):
    def queries_after_adding(count: int, start: int) -> int:
        for index in range(start, start + count):
            drill.accessories.add(ProductFactory(sku=f"ACC-{index:03d}"))
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get("/api/v1/products/DRL-18V/")
        assert len(response.json()["accessories"]) == 1 + start + count
        return len(captured)

    few = queries_after_adding(1, start=0)
    many = queries_after_adding(18, start=1)

    assert few == many
