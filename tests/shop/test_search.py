import pytest

from demo.inventory import demo_products_seed
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory
from tests.support.clock import berlin, freeze

pytestmark = pytest.mark.django_db


def test_searching_by_a_word_of_the_name_lists_the_product_with_price_and_stores_in_stock(
    client, stocked
):
    response = client.get("/", {"q": "bohrschrauber"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cordless drill driver 18V, 2 batteries, in a case" in page
    assert "€129.00" in page
    assert "In stock in 1 store" in page
    assert 'href="/products/AKKU-BS-18V/"' in page


def test_a_product_out_of_stock_everywhere_says_so(client, passau):
    ProductFactory(sku="HAMMER-1", name="Schlosserhammer 300 g")

    response = client.get("/", {"q": "hammer"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Schlosserhammer 300 g" in response.content.decode()
    assert "Currently out of stock" in response.content.decode()


def test_a_search_without_matches_says_nothing_was_found(client, stocked):
    response = client.get("/", {"q": "kettensäge"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "No product matches your search." in response.content.decode()
    assert "Akku-Bohrschrauber" not in response.content.decode()


def test_a_search_longer_than_100_characters_is_refused_next_to_the_box(client, stocked):
    response = client.get("/", {"q": "x" * 101}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_the_campaign_in_the_url_is_carried_into_the_product_links(client, stocked):
    response = client.get("/", {"q": "akku", "campaign": "spring-diy"})

    assert 'href="/products/AKKU-BS-18V/?campaign=spring-diy"' in response.content.decode()


def test_results_are_paged_twenty_at_a_time(client, passau):
    for number in range(25):
        ProductFactory(sku=f"SCHRAUBE-{number:02d}", name=f"Schraube {number:02d}")

    first = client.get("/", {"q": "schraube"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get("/", {"q": "schraube", "page": "2"}).content.decode()

    assert first.count('class="card result"') == 20
    assert "?q=schraube&amp;page=2" in first
    assert second.count('class="card result"') == 5
    assert "Schraube 24" in second


def test_the_search_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    stores = [StoreFactory(code=f"S-{number:02d}") for number in range(15)]
    for number in range(20):
        product = ProductFactory(sku=f"DUEBEL-{number:02d}", name=f"Dübel {number}")
        for store in stores:
            StockLevelFactory(store=store, product=product, on_hand=3)

    # The search's threshold, its ranked ids, the products, their stores with stock; and for
    # the heading's "today" the click-and-collect stores, their hours and closures (3, however
    # many stores; remembered for STORE_SCHEDULE_CACHE_SECONDS outside tests).
    with django_assert_max_num_queries(7):
        response = client.get("/", {"q": "dübel"})

    assert response.content.decode().count("In stock in 15 stores") == 20


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "language", "name"),
    [
        ("Akku-Schrauber", "de", "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"),
        ("Akkuschrauber", "de", "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"),
        ("Akku Schrauber", "de", "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"),
        ("Akkuschruber", "de", "Akku-Bohrschrauber 18V, 2 Akkus 2,0 Ah, Ladegerät, im Koffer"),
        ("drill", "en", "Cordless drill driver 18V, 2 batteries 2.0 Ah, charger, in a case"),
        (
            "cordless drill",
            "en",
            "Cordless drill driver 18V, 2 batteries 2.0 Ah, charger, in a case",
        ),
    ],
)
def test_the_story_words_list_the_cordless_drill_first_in_the_shoppers_language(
    client, query, language, name
):
    demo_products_seed(report=lambda message: None)

    page = client.get("/", {"q": query}, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    first = page.index('class="card result"')
    assert 'href="/products/AKKU-BS-18V/"' in page[first : first + 300]
    assert f'<span class="name">{name}</span>' in page[first : first + 400]


@pytest.mark.parametrize(
    ("hour", "language", "heading"),
    [
        (11, "en", "<h1>Find a product and collect it today</h1>"),
        (11, "de", "<h1>Artikel finden und heute noch abholen</h1>"),
        (19, "en", "<h1>Find a product and collect it tomorrow</h1>"),
        (19, "de", "<h1>Artikel finden und morgen abholen</h1>"),
    ],
)
def test_the_search_heading_promises_today_only_while_a_store_can_still_have_it_ready_today(
    client, passau, monkeypatch, hour, language, heading
):
    # Passau opens 08:00–20:00 and picks for two hours of opening time: at 19:00, tomorrow.
    freeze(monkeypatch, berlin(3, hour))

    page = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert heading in page


def test_with_no_store_opening_soon_the_search_heading_promises_no_day(client, monkeypatch):
    StoreFactory(code="SYL-01", name="Sylt", click_and_collect_enabled=False)
    freeze(monkeypatch, berlin(3, 11))

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<h1>Find a product and collect it at a store near you</h1>" in page
