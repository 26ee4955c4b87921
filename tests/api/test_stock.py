import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import StockLevel, StockMovement
from tests.api.conftest import admin, agent, clerk_of, client_for, manager_of
from tests.inventory.factories import ProductFactory, StockLevelFactory


def url(code: str = "PAS-01") -> str:
    return f"/api/v1/stores/{code}/stock/"


@pytest.fixture
def drill():
    return ProductFactory(sku="DRL-18V", name="Cordless drill 18 V")


@pytest.fixture
def clerk(store):
    return client_for(clerk_of(store))


@pytest.mark.django_db
def test_staff_see_their_stores_stock_by_sku(store, clerk, drill):
    StockLevelFactory(store=store, product=drill, on_hand=7, reserved=2, safety_stock=1)
    StockLevelFactory(store=store, product=ProductFactory(sku="BIT-SET"), on_hand=3)

    response = clerk.get(url())

    assert response.status_code == 200
    assert response.json()["count"] == 2
    first, second = response.json()["results"]
    assert first["sku"] == "BIT-SET"
    assert {
        key: second[key] for key in ("sku", "on_hand", "reserved", "safety_stock", "available")
    } == {
        "sku": "DRL-18V",
        "on_hand": 7,
        "reserved": 2,
        "safety_stock": 1,
        "available": 4,
    }


@pytest.mark.django_db
def test_the_sku_filter_narrows_to_one_product(store, clerk, drill):
    StockLevelFactory(store=store, product=drill, on_hand=7)
    StockLevelFactory(store=store, product=ProductFactory(sku="BIT-SET"), on_hand=3)

    response = clerk.get(url(), {"sku": "DRL-18V"})

    assert [row["sku"] for row in response.json()["results"]] == ["DRL-18V"]


@pytest.mark.django_db
def test_filtering_by_an_unknown_sku_answers_404_unknown_sku(store, clerk):
    response = clerk.get(url(), {"sku": "NOPE"})

    assert (response.status_code, response.json()["code"]) == (404, "unknown_sku")


@pytest.mark.django_db
def test_a_receipt_adds_units_and_writes_the_ledger(store, clerk, drill):
    StockLevelFactory(store=store, product=drill, on_hand=2)

    response = clerk.post(
        url(),
        {"sku": "DRL-18V", "kind": "receipt", "quantity": 5, "reason": "delivery"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["on_hand"], response.json()["available"]) == (7, 7)
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.on_hand_delta, movement.reason) == ("receipt", 5, "delivery")


@pytest.mark.django_db
def test_a_count_sets_units_on_hand(store, clerk, drill):
    StockLevelFactory(store=store, product=drill, on_hand=9)

    response = clerk.post(
        url(),
        {"sku": "DRL-18V", "kind": "count", "quantity": 4, "reason": "stock-taking"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["on_hand"] == 4
    assert StockMovement.objects.get().on_hand_delta == -5


@pytest.mark.django_db
def test_a_count_below_what_orders_hold_answers_409_and_changes_nothing(store, clerk, drill):
    StockLevelFactory(store=store, product=drill, on_hand=9, reserved=3)

    response = clerk.post(
        url(),
        {"sku": "DRL-18V", "kind": "count", "quantity": 2, "reason": "stock-taking"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "count_below_reserved")
    assert StockLevel.objects.get().on_hand == 9
    assert StockMovement.objects.count() == 0


@pytest.mark.django_db
def test_a_retried_receipt_with_the_same_idempotency_key_adds_the_units_once(store, clerk, drill):
    body = {"sku": "DRL-18V", "kind": "receipt", "quantity": 5, "reason": "delivery"}

    first = clerk.post(url(), body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-4711")
    second = clerk.post(url(), body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-4711")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get().on_hand == 5
    assert StockMovement.objects.count() == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_with_another_body_answers_422(store, clerk, drill):
    body = {"sku": "DRL-18V", "kind": "receipt", "quantity": 5, "reason": "delivery"}
    clerk.post(url(), body, format="json", HTTP_IDEMPOTENCY_KEY="delivery-4711")

    response = clerk.post(
        url(), {**body, "quantity": 50}, format="json", HTTP_IDEMPOTENCY_KEY="delivery-4711"
    )

    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    assert StockLevel.objects.get().on_hand == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "receipt", "quantity": 5}, "sku"),
        ({"sku": "DRL-18V", "quantity": 5}, "kind"),
        ({"sku": "DRL-18V", "kind": "receipt"}, "quantity"),
        ({"sku": "DRL-18V", "kind": "theft", "quantity": 5}, "kind"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": -5}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": 0}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": 10**9}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": 10**30}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": "5"}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": 2.5}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": True}, "quantity"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": None}, "quantity"),
        ({"sku": "DRL-18V", "kind": "count", "quantity": -1, "reason": "x"}, "quantity"),
        ({"sku": "DRL-18V", "kind": "count", "quantity": 3}, "reason"),
        ({"sku": "DRL-18V", "kind": "count", "quantity": 3, "reason": "   "}, "reason"),
        ({"sku": "DRL-18V", "kind": "receipt", "quantity": 1, "reason": "x" * 201}, "reason"),
        ({"sku": ["DRL-18V"], "kind": "receipt", "quantity": 1}, "sku"),
    ],
)
def test_a_bad_stock_change_answers_400_naming_the_field_and_writes_nothing(
    store, clerk, drill, body, field
):
    StockLevelFactory(store=store, product=drill, on_hand=2)

    response = clerk.post(url(), body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert StockLevel.objects.get().on_hand == 2
    assert StockMovement.objects.count() == 0


@pytest.mark.django_db
def test_a_stock_change_for_an_unknown_sku_answers_404_unknown_sku(store, clerk):
    response = clerk.post(url(), {"sku": "NOPE", "kind": "receipt", "quantity": 1}, format="json")

    assert (response.status_code, response.json()["code"]) == (404, "unknown_sku")
    assert StockLevel.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[1, 2", "[]", '"receipt"', "null"])
def test_a_body_that_is_not_a_json_object_answers_400(store, clerk, drill, body):
    response = clerk.post(url(), data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] in {"malformed_json", "invalid"}
    assert StockMovement.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_answers_400_malformed_json(store, clerk):
    response = clerk.post(url(), data='{"sku": "DRL', content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")


@pytest.mark.django_db
def test_a_manager_and_an_admin_may_change_stock(store, drill):
    for user in (manager_of(store), admin()):
        response = client_for(user).post(
            url(), {"sku": "DRL-18V", "kind": "receipt", "quantity": 1}, format="json"
        )

        assert response.status_code == 201
    assert StockLevel.objects.get().on_hand == 2


@pytest.mark.django_db
def test_anonymous_callers_get_401_and_see_nothing(store, anonymous, drill):
    listed = anonymous.get(url())
    changed = anonymous.post(
        url(), {"sku": "DRL-18V", "kind": "receipt", "quantity": 1}, format="json"
    )

    assert (listed.status_code, listed.json()["code"]) == (401, "not_authenticated")
    assert (changed.status_code, changed.json()["code"]) == (401, "not_authenticated")
    assert StockLevel.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk_of_another_store", "agent"])
def test_other_stores_staff_and_agents_get_404_as_for_a_store_that_does_not_exist(
    store, other_store, drill, who
):
    user = clerk_of(other_store) if who == "clerk_of_another_store" else agent()
    caller = client_for(user)

    listed = caller.get(url("PAS-01"))
    changed = caller.post(
        url("PAS-01"), {"sku": "DRL-18V", "kind": "receipt", "quantity": 1}, format="json"
    )
    missing = caller.get(url("XXX-99"))

    assert (listed.status_code, listed.json()["code"]) == (404, "not_found")
    assert (changed.status_code, changed.json()["code"]) == (404, "not_found")
    assert listed.json() == missing.json()
    assert StockLevel.objects.count() == 0


@pytest.mark.django_db
def test_the_stock_list_reads_the_same_queries_for_3_and_30_products(store, clerk):
    def queries_after_stocking(count: int, start: int) -> int:
        for index in range(start, start + count):
            StockLevelFactory(store=store, product=ProductFactory(sku=f"P-{index:04d}"), on_hand=5)
        with CaptureQueriesContext(connection) as captured:
            response = clerk.get(url(), {"limit": 100})
        assert response.json()["count"] == start + count
        return len(captured)

    few = queries_after_stocking(3, start=0)
    many = queries_after_stocking(27, start=3)

    assert few == many
