import pytest

from tests.api.conftest import advance, agent, clerk_of, client_for, place_order
from tests.inventory.factories import ProductFactory, StockLevelFactory

URL = "/api/v1/orders/"


@pytest.fixture
def orders(store, other_store):
    drill = ProductFactory(sku="DRL-18V")
    StockLevelFactory(store=store, product=drill, on_hand=20)
    StockLevelFactory(store=other_store, product=drill, on_hand=20)
    clerk = clerk_of(store)
    first, _ = place_order(store, drill, email="a@example.com")
    second, _ = place_order(store, drill, email="b@example.com")
    advance(second, to="picking", by=clerk)
    elsewhere, _ = place_order(other_store, drill, email="c@example.com")
    return clerk, first, second, elsewhere


def numbers(response) -> list[str]:
    return [order["number"] for order in response.json()["results"]]


@pytest.mark.django_db
def test_a_clerk_sees_only_the_own_stores_queue_oldest_first(orders):
    clerk, first, second, _ = orders

    response = client_for(clerk).get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert numbers(response) == [first.number, second.number]


@pytest.mark.django_db
def test_the_state_filter_gives_the_to_pick_queue(orders):
    clerk, first, _, _ = orders

    response = client_for(clerk).get(URL, {"state": "reserved", "store": "PAS-01"})

    assert numbers(response) == [first.number]
    assert response.json()["results"][0]["lines"][0]["sku"] == "DRL-18V"


@pytest.mark.django_db
def test_an_agent_sees_every_store_and_may_narrow_to_one(orders):
    _, first, second, elsewhere = orders
    caller = client_for(agent())

    everything = caller.get(URL)
    munich = caller.get(URL, {"store": "MUC-01"})

    assert sorted(numbers(everything)) == sorted([first.number, second.number, elsewhere.number])
    assert numbers(munich) == [elsewhere.number]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["MUC-01", "XXX-99"])
def test_a_clerk_asking_for_another_or_an_unknown_store_gets_404(orders, code):
    clerk, *_ = orders

    response = client_for(clerk).get(URL, {"store": code})

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "lost"}, "state"),
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"store": "X" * 13}, "store"),
    ],
)
def test_a_bad_queue_query_answers_400_naming_the_parameter(orders, params, field):
    clerk, *_ = orders

    response = client_for(clerk).get(URL, params)

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
def test_the_queue_needs_a_signed_in_user(anonymous, orders):
    response = anonymous.get(URL)

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.django_db
def test_a_signed_in_user_without_a_store_sees_an_empty_queue(orders):
    from tests.stores.factories import UserFactory

    response = client_for(UserFactory()).get(URL)

    assert response.json() == {"count": 0, "results": []}


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_orders", [2, 12])
def test_the_queue_runs_a_bounded_number_of_queries_whatever_its_length(
    store, django_assert_max_num_queries, number_of_orders
):
    drill = ProductFactory(sku="DRL-18V")
    bits = ProductFactory(sku="BIT-SET")
    StockLevelFactory(store=store, product=drill, on_hand=100)
    StockLevelFactory(store=store, product=bits, on_hand=100)
    for index in range(number_of_orders):
        place_order(store, drill, email=f"shopper{index}@example.com")
    clerk = client_for(clerk_of(store))

    with django_assert_max_num_queries(8):
        response = clerk.get(URL, {"limit": 200})

    assert response.json()["count"] == number_of_orders
