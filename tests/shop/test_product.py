import re

import pytest

from tests.inventory.factories import StockLevelFactory
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db


def _store_names(page: str) -> list[str]:
    return re.findall(r'<strong class="store-name">([^<]+)</strong>', page)


def test_without_a_location_every_store_is_listed_by_name_with_its_stock(client, stocked):
    response = client.get("/products/AKKU-BS-18V/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert _store_names(page) == ["Baumarkt Passau", "Baumarkt Regensburg"]
    assert "6 available" in page
    assert "Out of stock here" in page
    assert " km<" not in page
    assert 'href="/products/AKKU-BS-18V/checkout/?store=PAS-01"' in page


def test_a_typed_city_lists_the_nearest_stores_first_with_their_distance(client, stocked):
    response = client.get(
        "/products/AKKU-BS-18V/", {"near": "Regensburg"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert _store_names(page) == ["Baumarkt Regensburg", "Baumarkt Passau"]
    assert '<span class="distance">0.0 km</span>' in page
    assert '<span class="distance">109.3 km</span>' in page


def test_a_typed_postcode_of_the_same_postal_area_finds_the_store_there(client, stocked):
    response = client.get("/products/AKKU-BS-18V/", {"near": "94032"}, HTTP_ACCEPT_LANGUAGE="en")

    assert _store_names(response.content.decode()) == ["Baumarkt Passau", "Baumarkt Regensburg"]


def test_coordinates_from_the_browser_rank_the_stores_by_distance(client, stocked):
    response = client.get(
        "/products/AKKU-BS-18V/", {"lat": "49.02", "lon": "12.10"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert _store_names(response.content.decode()) == ["Baumarkt Regensburg", "Baumarkt Passau"]


def test_typed_coordinates_count_as_a_location(client, stocked):
    response = client.get(
        "/products/AKKU-BS-18V/", {"near": "48,57, 13,43"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert _store_names(page) == ["Baumarkt Passau", "Baumarkt Regensburg"]
    assert '<span class="distance">0.4 km</span>' in page


def test_a_place_without_a_store_is_refused_next_to_the_field_and_all_stores_are_shown(
    client, stocked
):
    response = client.get(
        "/products/AKKU-BS-18V/", {"near": "Flensburg"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="error" id="id_near_error">We found no store near “Flensburg”. '
        "Try a city or a postcode.</p>" in page
    )
    assert _store_names(page) == ["Baumarkt Passau", "Baumarkt Regensburg"]


def test_coordinates_off_the_map_are_refused_next_to_the_field(client, stocked):
    response = client.get(
        "/products/AKKU-BS-18V/", {"near": "91.5, 13.4"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "These coordinates are not on the map." in response.content.decode()


def test_a_broken_browser_position_is_refused_and_all_stores_are_shown(client, stocked):
    response = client.get(
        "/products/AKKU-BS-18V/", {"lat": "north", "lon": "13.4"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    page = response.content.decode()
    assert "Your position could not be read. Please type a postcode or city." in page
    assert _store_names(page) == ["Baumarkt Passau", "Baumarkt Regensburg"]


def test_a_store_with_stock_shows_when_the_order_would_be_ready(client, stocked):
    response = client.get("/products/AKKU-BS-18V/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.content.decode().count("Ready by <time") == 1
    assert "Can be sent from another store, ready by" in response.content.decode()


def test_the_campaign_is_carried_into_the_checkout_links(client, stocked):
    response = client.get("/products/AKKU-BS-18V/", {"campaign": "newsletter-47"})

    assert (
        'href="/products/AKKU-BS-18V/checkout/?store=PAS-01&amp;campaign=newsletter-47"'
        in response.content.decode()
    )


def test_an_unknown_product_answers_404(client, stocked):
    response = client.get("/products/NO-SUCH-SKU/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "We cannot find this product" in response.content.decode()


def test_the_product_page_runs_a_bounded_number_of_queries_whatever_the_number_of_stores(
    client, stocked, drill, django_assert_max_num_queries
):
    for number in range(40):
        store = StoreFactory(code=f"X-{number:02d}", latitude=48 + number / 10, longitude=12.0)
        StockLevelFactory(store=store, product=drill, on_hand=number)

    with django_assert_max_num_queries(5):
        client.get("/products/AKKU-BS-18V/")
    with django_assert_max_num_queries(6):
        response = client.get("/products/AKKU-BS-18V/", {"near": "Passau"})

    assert len(_store_names(response.content.decode())) == 10
