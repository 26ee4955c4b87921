"""GET /api/v1/stores/{code}/pickup-slots/ and the slot in placing and reading an order."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from orders.models import Order
from stores.models import PickupSlot
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import opening_hours_set
from tests.support.clock import STORY_MORNING, freeze

pytestmark = pytest.mark.django_db

URL = "/api/v1/stores/PAS-01/pickup-slots/"


@pytest.fixture
def story(monkeypatch, store):
    """Passau open Mon-Sat 08:00-20:00, 3 drills in stock, on the story's Thursday at 11:00."""
    freeze(monkeypatch, STORY_MORNING)
    opening_hours_set(store)
    drill = ProductFactory(sku="DRL-18V", name="Akku-Bohrschrauber", price="129.00")
    StockLevelFactory(store=store, product=drill, on_hand=3)
    return store


def _order_body(**changes) -> dict:
    body = {
        "customer": {"email": "mueller@example.com", "name": "Frau Müller"},
        "pickup_store": "PAS-01",
        "lines": [{"sku": "DRL-18V", "quantity": 1}],
        "payment_method": "pay_in_store",
        "pickup_slot": "2026-12-03T18:00:00+01:00",
    }
    body.update(changes)
    return body


def test_the_slots_of_a_day_come_earliest_first_in_the_stores_time_zone(anonymous, story):
    response = anonymous.get(URL, {"date": "2026-12-03", "sku": "DRL-18V"})

    assert response.status_code == 200
    assert response.json()[:2] == [
        {"start": "2026-12-03T13:00:00+01:00", "end": "2026-12-03T14:00:00+01:00", "available": 20},
        {"start": "2026-12-03T14:00:00+01:00", "end": "2026-12-03T15:00:00+01:00", "available": 20},
    ]
    assert response.json()[-1]["start"] == "2026-12-03T19:00:00+01:00"


def test_a_quantity_the_store_lacks_offers_only_slots_after_a_transfer(anonymous, story):
    response = anonymous.get(URL, {"sku": "DRL-18V", "quantity": 5})

    assert response.status_code == 200
    assert response.json()[0]["start"] == "2026-12-05T13:00:00+01:00"


def test_a_full_slot_is_listed_with_no_places(anonymous, story):
    story.pickup_slot_capacity = 1
    story.save()
    anonymous.post("/api/v1/orders/", _order_body(), format="json")

    slots = anonymous.get(URL, {"date": "2026-12-03"}).json()

    assert {slot["start"][11:16]: slot["available"] for slot in slots}["18:00"] == 0


def test_an_order_placed_for_a_slot_shows_it(anonymous, story):
    placed = anonymous.post("/api/v1/orders/", _order_body(), format="json")

    assert placed.status_code == 201
    order = APIClient().get(
        f"/api/v1/orders/{placed.json()['number']}/",
        HTTP_X_ORDER_TOKEN=placed.json()["access_token"],
    )
    assert order.json()["pickup_slot"] == {
        "start": "2026-12-03T18:00:00+01:00",
        "end": "2026-12-03T19:00:00+01:00",
    }


def test_the_last_place_in_a_slot_goes_once_and_the_next_checkout_hears_409(anonymous, story):
    story.pickup_slot_capacity = 1
    story.save()
    anonymous.post("/api/v1/orders/", _order_body(), format="json")

    response = anonymous.post(
        "/api/v1/orders/",
        _order_body(customer={"email": "zweite@example.com", "name": "Frau Zweite"}),
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "pickup_slot_full"
    assert list(response.json()["fields"]) == ["pickup_slot"]
    assert Order.objects.count() == 1
    assert PickupSlot.objects.get().booked == 1


@pytest.mark.parametrize(
    ("slot", "status", "code"),
    [
        ("2026-12-03T18:30:00+01:00", 400, "pickup_slot_unknown"),
        ("2026-12-03T21:00:00+01:00", 400, "pickup_slot_unknown"),
        ("2026-12-06T12:00:00+01:00", 400, "pickup_slot_unknown"),
        ("2026-12-03T12:00:00+01:00", 409, "pickup_slot_too_early"),
        ("2026-12-03T09:00:00+01:00", 400, "invalid"),
        ("18:00", 400, "invalid"),
    ],
)
def test_a_slot_the_order_cannot_have_is_refused_naming_the_field(
    anonymous, story, slot, status, code
):
    response = anonymous.post("/api/v1/orders/", _order_body(pickup_slot=slot), format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert list(response.json()["fields"]) == ["pickup_slot"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"date": "2026-12-02"}, 400, "date"),
        ({"date": "2026-12-31"}, 400, "date"),
        ({"date": "morgen"}, 400, "date"),
        ({"quantity": "0"}, 400, "quantity"),
        ({"quantity": "100"}, 400, "quantity"),
    ],
)
def test_bad_slot_queries_are_refused_naming_the_field(anonymous, story, query, status, field):
    response = anonymous.get(URL, query)

    assert response.status_code == status
    assert list(response.json()["fields"]) == [field]


def test_an_unknown_product_answers_404(anonymous, story):
    response = anonymous.get(URL, {"sku": "NOPE"})

    assert response.status_code == 404


def test_a_store_without_click_and_collect_has_no_slots(anonymous, story):
    story.click_and_collect_enabled = False
    story.save()

    response = anonymous.get(URL)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_closed_day_has_an_empty_list(anonymous, story):
    response = anonymous.get(URL, {"date": "2026-12-06"})

    assert (response.status_code, response.json()) == (200, [])


def test_slots_query_count_stays_bounded(anonymous, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = anonymous.get(URL, {"sku": "DRL-18V"})

    assert len(response.json()) > 50
    assert datetime.date.fromisoformat(response.json()[-1]["start"][:10]) == datetime.date(
        2026, 12, 17
    )


def test_the_slots_read_the_same_queries_for_3_and_30_booked_slots(anonymous, story):
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")

    def full_slots_and_queries_after_booking(count: int, start: int) -> tuple[int, int]:
        for index in range(start, start + count):
            # Six afternoon slots a day from Friday on; Sunday's are booked but closed.
            starts_at = datetime.datetime(2026, 12, 4 + index // 6, 13 + index % 6, tzinfo=berlin)
            PickupSlot.objects.create(
                store=story,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=1),
                capacity=20,
                booked=20,
            )
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get(URL, {"sku": "DRL-18V"})
        return sum(slot["available"] == 0 for slot in response.json()), len(captured)

    few_full, few = full_slots_and_queries_after_booking(3, start=0)
    many_full, many = full_slots_and_queries_after_booking(27, start=3)

    assert (few_full, many_full) == (3, 24)
    assert few == many
