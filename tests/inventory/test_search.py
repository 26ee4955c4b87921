"""The catalogue search on the demo catalogue: the story's words, German and English, find the
cordless drill first; on PostgreSQL through full text and trigrams, elsewhere in Python."""

import pytest

from demo.inventory import DRILL_SKU, demo_products_seed, gtin13
from inventory.search import (
    MAX_RESULTS,
    product_ids_ranked,
    product_ids_ranked_in_python,
    search_terms,
    word_similarity,
)
from inventory.selectors import product_list
from tests.inventory.factories import ProductFactory

pytestmark = pytest.mark.django_db

STORY_WORDS = [
    "Akku-Schrauber",
    "Akkuschrauber",
    "Akku Schrauber",
    "akku-schrauber",
    "Schrauber",
    "Akkuschruber",
    "Bohrschrauber",
    "drill",
    "cordless drill",
    "Cordless Drill",
    "drill driver",
]


@pytest.fixture
def catalogue():
    return demo_products_seed(report=lambda message: None)


def _skus(query: str) -> list[str]:
    return list(product_list(search=query).values_list("sku", flat=True))


@pytest.mark.postgres
@pytest.mark.parametrize("query", STORY_WORDS)
def test_each_word_of_the_story_finds_the_cordless_drill_first_on_postgresql(catalogue, query):
    found = _skus(query)

    assert found[0] == DRILL_SKU


@pytest.mark.parametrize("query", STORY_WORDS)
def test_the_simpler_search_without_postgresql_finds_the_cordless_drill_first_too(catalogue, query):
    ranked = product_ids_ranked_in_python(search_terms(query), limit=MAX_RESULTS)

    assert ranked[0] == next(product.pk for product in catalogue if product.sku == DRILL_SKU)


@pytest.mark.postgres
def test_the_compound_written_three_ways_finds_the_same_drivers_and_drills(catalogue):
    hyphen, joined, spaced = (
        set(_skus(query)[:4]) for query in ("Akku-Schrauber", "Akkuschrauber", "Akku Schrauber")
    )

    assert (
        hyphen
        == joined
        == spaced
        == {
            "AKKU-BS-18V",
            "AKKU-BS-18V-SOLO",
            "AKKU-BS-12V",
            "AKKU-SS-18V",
        }
    )


@pytest.mark.postgres
def test_an_english_word_finds_products_by_their_english_name(catalogue):
    assert _skus("wall paint white")[:3] == [
        "WANDFARBE-WEISS-25L",
        "WANDFARBE-WEISS-10L",
        "WANDFARBE-WEISS-5L",
    ]
    assert _skus("claw hammer")[0] == "KLAUENHAMMER-450"


@pytest.mark.postgres
def test_german_words_are_found_without_umlauts_and_by_their_stem(catalogue):
    assert "LADEGERAET-18V" in _skus("Ladegeraet")[:3]
    assert "LADEGERAET-18V" in _skus("Ladegerät")[:3]
    assert set(_skus("Schraubzwingen")[:2]) == {"ZWINGE-300", "ZWINGE-500"}


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["AKKU-BS-18V-SOLO", "akku-bs-18v-solo", gtin13(2)])
def test_an_exact_sku_in_any_case_or_a_gtin_comes_before_every_name_match(catalogue, query):
    assert _skus(query)[0] == "AKKU-BS-18V-SOLO"


@pytest.mark.postgres
def test_the_start_of_a_sku_finds_its_products():
    ProductFactory(sku="HAMMER-300", name="Schlosserhammer 300 g")
    ProductFactory(sku="ZANGE-180", name="Kombizange 180 mm")

    assert _skus("HAMMER-3") == ["HAMMER-300"]


@pytest.mark.postgres
def test_products_no_longer_sold_are_not_found():
    ProductFactory(sku="AKKU-BS-14V", name="Akku-Bohrschrauber 14V", is_active=False)

    assert _skus("Akkuschrauber") == []
    assert _skus("AKKU-BS-14V") == []


@pytest.mark.postgres
def test_equally_good_matches_go_by_popularity_then_sku():
    ProductFactory(sku="DUEBEL-6", name="Universaldübel 6 mm", popularity=5)
    ProductFactory(sku="DUEBEL-8", name="Universaldübel 8 mm", popularity=40)
    ProductFactory(sku="DUEBEL-5", name="Universaldübel 5 mm", popularity=5)

    assert _skus("Dübel") == ["DUEBEL-8", "DUEBEL-5", "DUEBEL-6"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    ["akku & | ! :* ( )", "'; DROP TABLE inventory_product; --", "%_\\", "a:*A <-> b", "ä" * 100],
)
def test_operators_and_quotes_in_a_query_are_only_text(catalogue, query):
    found = _skus(query)

    assert isinstance(found, list)
    assert _skus("Akkuschrauber")[0] == DRILL_SKU


@pytest.mark.parametrize("query", ["", "   ", "-", "&&", "…"])
def test_a_query_without_letters_or_digits_finds_nothing(catalogue, query):
    assert product_ids_ranked(query) == []


def test_a_query_is_cut_to_its_first_hundred_characters_and_eight_words():
    terms = search_terms("eins zwei drei vier fünf sechs sieben acht neun " + "x" * 200)

    assert terms.words == ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht")
    assert search_terms("Akku-Schrauber").joined == "akkuschrauber"


@pytest.mark.postgres
def test_a_broad_word_answers_at_most_the_result_limit(catalogue):
    for number in range(MAX_RESULTS + 5):
        ProductFactory(sku=f"SCHRAUBE-X{number:04d}", name=f"Schraube Nummer {number}")

    assert len(_skus("Schraube")) == MAX_RESULTS


def test_word_similarity_in_python_finds_a_word_inside_a_compound():
    assert word_similarity("schrauber", "Akku-Bohrschrauber 18V") == 1.0
    assert word_similarity("akkuschruber", "Akku-Bohrschrauber 18V") == pytest.approx(7 / 11)
    assert word_similarity("drill", "Cordless drill driver") == 1.0
    assert word_similarity("xyz", "Cordless drill driver") == 0.0
