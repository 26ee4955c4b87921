import re

import pytest

from inventory.models import StockLevel
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from tests.api.conftest import (
    admin,
    advance,
    agent,
    clerk_of,
    client_for,
    manager_of,
    place_order,
)
from tests.inventory.factories import ProductFactory, StockLevelFactory


@pytest.fixture
def drill():
    return ProductFactory(sku="DRL-18V", name="Cordless drill 18 V", price="129.00")


@pytest.fixture
def stocked(store, drill):
    return StockLevelFactory(store=store, product=drill, on_hand=5)


@pytest.fixture
def clerk_user(store):
    return clerk_of(store)


@pytest.fixture
def clerk(clerk_user):
    return client_for(clerk_user)


@pytest.fixture
def placed(store, drill, stocked):
    return place_order(store, drill, quantity=2)


def url(order, action: str = "") -> str:
    return f"/api/v1/orders/{order.number}/{action + '/' if action else ''}"


def state_of(order) -> str:
    return Order.objects.get(pk=order.pk).state


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shopper_reads_the_order_with_its_token_and_may_cancel_it(anonymous, placed):
    order, token = placed

    response = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token)

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["state"], body["pickup_store"]["code"]) == (
        order.number,
        "reserved",
        "PAS-01",
    )
    assert body["lines"] == [
        {
            "sku": "DRL-18V",
            "name": "Cordless drill 18 V",
            "quantity": 2,
            "unit_price": "129.00",
            "quantity_cancelled": 0,
            "quantity_sourcing": 0,
            "quantity_collected": 0,
        }
    ]
    assert [(entry["event"], entry["from"], entry["to"]) for entry in body["timeline"]] == [
        ("place", "", "placed"),
        ("reserve", "placed", "reserved"),
    ]
    assert body["available_actions"] == ["cancel"]
    assert body["pickup_code"] is None


@pytest.mark.django_db
def test_the_store_clerk_sees_the_store_actions_and_never_the_pickup_code(
    clerk, clerk_user, placed
):
    order, _ = placed
    advance(order, to="ready_for_pickup", by=clerk_user)

    response = clerk.get(url(order))

    assert response.status_code == 200
    assert response.json()["available_actions"] == ["cancel", "hand_over"]
    assert response.json()["pickup_code"] is None


@pytest.mark.django_db
def test_the_shopper_sees_the_pickup_code_once_the_order_is_ready(anonymous, clerk_user, placed):
    order, token = placed
    before = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["pickup_code"]
    advance(order, to="ready_for_pickup", by=clerk_user)

    after = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["pickup_code"]

    assert before is None
    assert re.fullmatch(r"[0-9]{6}", after)


@pytest.mark.django_db
def test_the_shopper_does_not_see_which_employee_acted(anonymous, clerk_user, placed):
    order, token = placed
    advance(order, to="picking", by=clerk_user)

    timeline = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["timeline"]
    staff_timeline = client_for(clerk_user).get(url(order)).json()["timeline"]

    assert [entry["actor"] for entry in timeline] == [None, None, None]
    assert staff_timeline[-1]["actor"] == clerk_user.username


@pytest.mark.django_db
def test_a_hotline_agent_reads_any_order_but_may_only_cancel(placed):
    order, _ = placed

    response = client_for(agent()).get(url(order))

    assert response.status_code == 200
    assert response.json()["available_actions"] == ["cancel"]


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["wrong", "", "x" * 500])
def test_a_wrong_token_answers_404_like_an_order_that_does_not_exist(anonymous, placed, token):
    order, _ = placed

    wrong = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token)
    missing = anonymous.get("/api/v1/orders/NOPE1234/", HTTP_X_ORDER_TOKEN=token)

    assert (wrong.status_code, wrong.json()["code"]) == (404, "not_found")
    assert wrong.json() == missing.json()


@pytest.mark.django_db
def test_another_orders_token_does_not_open_this_order(anonymous, store, drill, placed):
    order, _ = placed
    _, other_token = place_order(store, drill, email="someone@example.com")

    response = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=other_token)

    assert response.status_code == 404


@pytest.mark.django_db
def test_no_credentials_answer_401(anonymous, placed):
    order, _ = placed

    response = anonymous.get(url(order))

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.django_db
def test_a_clerk_of_another_store_gets_404(other_store, placed):
    order, _ = placed

    response = client_for(clerk_of(other_store)).get(url(order))

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_orders", [2, 12])
def test_reading_an_order_runs_a_bounded_number_of_queries(
    clerk, store, django_assert_max_num_queries, number_of_orders
):
    products = ProductFactory.create_batch(number_of_orders)
    for product in products:
        StockLevelFactory(store=store, product=product, on_hand=5)
    from orders import services

    placed = services.order_place(
        customer=services.CustomerInput(email="m@example.com", name="M"),
        pickup_store_code=store.code,
        lines=[services.LineInput(sku=product.sku, quantity=1) for product in products],
        payment_method="pay_in_store",
    )

    with django_assert_max_num_queries(12):
        response = clerk.get(url(placed.order))

    assert len(response.json()["lines"]) == number_of_orders


# --- the store's transitions -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_clerk_picks_marks_ready_and_hands_over_against_the_code(anonymous, clerk, placed):
    order, token = placed

    picking = clerk.post(url(order, "start-picking"), format="json")
    ready = clerk.post(url(order, "mark-ready"), format="json")
    code = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["pickup_code"]
    collected = clerk.post(url(order, "hand-over"), {"pickup_code": code}, format="json")

    assert [picking.status_code, ready.status_code, collected.status_code] == [200, 200, 200]
    assert [picking.json()["state"], ready.json()["state"], collected.json()["state"]] == [
        "picking",
        "ready_for_pickup",
        "collected",
    ]
    level = StockLevel.objects.get()
    assert (level.on_hand, level.reserved) == (3, 0)


@pytest.mark.django_db
def test_a_wrong_pickup_code_answers_422_and_hands_nothing_over(clerk, clerk_user, placed):
    order, _ = placed
    advance(order, to="ready_for_pickup", by=clerk_user)

    response = clerk.post(url(order, "hand-over"), {"pickup_code": "000000"}, format="json")

    assert (response.status_code, response.json()["code"]) == (422, "wrong_pickup_code")
    assert response.json()["attempts_left"] == 4
    assert state_of(order) == "ready_for_pickup"
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_hand_over_until_a_manager_overrides(
    store, clerk, clerk_user, placed
):
    order, _ = placed
    advance(order, to="ready_for_pickup", by=clerk_user)
    for _ in range(5):
        clerk.post(url(order, "hand-over"), {"pickup_code": "000000"}, format="json")

    locked = clerk.post(url(order, "hand-over"), {"pickup_code": "000000"}, format="json")
    clerk_override = clerk.post(
        url(order, "hand-over"), {"override_reason": "ID checked"}, format="json"
    )
    manager_override = client_for(manager_of(store)).post(
        url(order, "hand-over"), {"override_reason": "ID checked"}, format="json"
    )

    assert (locked.status_code, locked.json()["code"]) == (422, "hand_over_locked")
    assert (clerk_override.status_code, clerk_override.json()["code"]) == (
        403,
        "override_not_permitted",
    )
    assert (manager_override.status_code, manager_override.json()["state"]) == (200, "collected")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "pickup_code"),
        ({"pickup_code": ""}, "pickup_code"),
        ({"pickup_code": 123456}, "pickup_code"),
        ({"pickup_code": "1" * 17}, "pickup_code"),
        ({"override_reason": "x" * 201}, "override_reason"),
    ],
)
def test_a_bad_hand_over_body_answers_400_and_changes_nothing(
    clerk, clerk_user, placed, body, field
):
    order, _ = placed
    advance(order, to="ready_for_pickup", by=clerk_user)

    response = clerk.post(url(order, "hand-over"), body, format="json")

    assert (response.status_code, list(response.json()["fields"])) == (400, [field])
    assert Order.objects.get(pk=order.pk).pickup_code_failed_attempts == 0
    assert state_of(order) == "ready_for_pickup"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "action", "body"),
    [
        ("reserved", "mark-ready", {}),
        ("reserved", "report-shortage", {"lines": [{"sku": "DRL-18V", "quantity": 1}]}),
        ("reserved", "hand-over", {"pickup_code": "123456"}),
        ("picking", "start-picking", {}),
        ("picking", "hand-over", {"pickup_code": "123456"}),
        ("ready_for_pickup", "start-picking", {}),
        ("ready_for_pickup", "mark-ready", {}),
        ("ready_for_pickup", "report-shortage", {"lines": [{"sku": "DRL-18V", "quantity": 1}]}),
    ],
)
def test_a_transition_from_the_wrong_state_answers_409_invalid_transition_and_changes_nothing(
    clerk, clerk_user, placed, state, action, body
):
    order, _ = placed
    if state != "reserved":
        advance(order, to=state, by=clerk_user)
    reserved_before = StockLevel.objects.get().reserved

    response = clerk.post(url(order, action), body, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert state_of(order) == state
    assert StockLevel.objects.get().reserved == reserved_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", ["start-picking", "mark-ready", "report-shortage", "hand-over", "cancel"]
)
def test_every_transition_of_a_cancelled_order_answers_409(clerk, placed, action):
    order, token = placed
    from orders import services

    services.order_cancel(order=order, by=None, reason="changed my mind")
    body = {
        "report-shortage": {"lines": [{"sku": "DRL-18V", "quantity": 1}]},
        "hand-over": {"pickup_code": "123456"},
        "cancel": {"reason": "again"},
    }.get(action, {})

    response = clerk.post(url(order, action), body, format="json")

    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert state_of(order) == "cancelled"


@pytest.mark.django_db
def test_a_shortage_without_transfer_cancels_the_missing_units(clerk, clerk_user, placed):
    order, _ = placed
    advance(order, to="picking", by=clerk_user)

    response = clerk.post(
        url(order, "report-shortage"), {"lines": [{"sku": "DRL-18V", "quantity": 1}]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "reserved"
    assert response.json()["lines"][0]["quantity_cancelled"] == 1
    assert StockLevel.objects.get().reserved == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"lines": []}, 400, "invalid"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 0}]}, 400, "invalid"),
        ({"lines": [{"sku": "DRL-18V", "quantity": "1"}]}, 400, "invalid"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 3}]}, 400, "invalid_quantity"),
        ({"lines": [{"sku": "BIT-SET", "quantity": 1}]}, 400, "invalid"),
    ],
)
def test_a_bad_shortage_report_answers_400_and_changes_nothing(
    clerk, clerk_user, placed, body, status, code
):
    order, _ = placed
    advance(order, to="picking", by=clerk_user)

    response = clerk.post(url(order, "report-shortage"), body, format="json")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert state_of(order) == "picking"
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_an_agent_may_not_take_the_stores_transitions(placed):
    order, _ = placed

    response = client_for(agent()).post(url(order, "start-picking"), format="json")

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert state_of(order) == "reserved"


@pytest.mark.django_db
def test_the_shoppers_token_does_not_open_the_stores_transitions(anonymous, placed):
    order, token = placed

    response = anonymous.post(url(order, "start-picking"), format="json", HTTP_X_ORDER_TOKEN=token)

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert state_of(order) == "reserved"


# --- cancel --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shopper_cancels_with_a_reason_and_the_stock_comes_back(anonymous, placed):
    order, token = placed

    response = anonymous.post(
        url(order, "cancel"),
        {"reason": "found it cheaper"},
        format="json",
        HTTP_X_ORDER_TOKEN=token,
    )

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cancel_reason"]) == (
        "cancelled",
        "found it cheaper",
    )
    assert response.json()["available_actions"] == []
    assert StockLevel.objects.get().reserved == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk", "agent", "manager"])
def test_staff_and_agents_cancel_too(store, placed, who):
    order, _ = placed
    user = {"clerk": clerk_of, "manager": manager_of}.get(who, lambda _: agent())(store)

    response = client_for(user).post(
        url(order, "cancel"), {"reason": "customer called"}, format="json"
    )

    assert (response.status_code, response.json()["state"]) == (200, "cancelled")
    assert response.json()["timeline"][-1]["actor"] == user.username


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}, {"reason": "x" * 201}]
)
def test_a_cancel_without_a_proper_reason_answers_400_and_changes_nothing(anonymous, placed, body):
    order, token = placed

    response = anonymous.post(url(order, "cancel"), body, format="json", HTTP_X_ORDER_TOKEN=token)

    assert response.status_code == 400
    assert response.json()["code"] in {"invalid", "reason_required"}
    assert list(response.json()["fields"]) == ["reason"]
    assert state_of(order) == "reserved"


@pytest.mark.django_db
def test_a_collected_order_cannot_be_cancelled(anonymous, clerk, clerk_user, placed):
    order, token = placed
    advance(order, to="ready_for_pickup", by=clerk_user)
    code = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["pickup_code"]
    clerk.post(url(order, "hand-over"), {"pickup_code": code}, format="json")

    response = anonymous.post(
        url(order, "cancel"), {"reason": "too late"}, format="json", HTTP_X_ORDER_TOKEN=token
    )

    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert state_of(order) == "collected"


@pytest.mark.django_db
def test_someone_elses_order_cannot_be_cancelled_and_answers_404(anonymous, other_store, placed):
    order, _ = placed

    by_wrong_token = anonymous.post(
        url(order, "cancel"), {"reason": "x"}, format="json", HTTP_X_ORDER_TOKEN="guess"
    )
    by_other_clerk = client_for(clerk_of(other_store)).post(
        url(order, "cancel"), {"reason": "x"}, format="json"
    )

    assert by_wrong_token.status_code == by_other_clerk.status_code == 404
    assert state_of(order) == "reserved"


@pytest.mark.django_db
def test_an_admin_reads_every_order(placed):
    order, _ = placed

    response = client_for(admin()).get(url(order))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("spoken", ["{a} {b}", "{a}-{b}", " {a} - {b} "])
def test_a_pickup_code_given_in_groups_hands_over(anonymous, clerk, clerk_user, placed, spoken):
    order, token = placed
    advance(order, to="ready_for_pickup", by=clerk_user)
    code = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token).json()["pickup_code"]

    response = clerk.post(
        url(order, "hand-over"),
        {"pickup_code": spoken.format(a=code[:3], b=code[3:])},
        format="json",
    )

    assert (response.status_code, response.json()["state"]) == (200, "collected")


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["12345", "1234567", "123 45"])
def test_a_code_of_the_wrong_length_is_refused_without_counting_an_attempt(
    clerk, clerk_user, placed, typo
):
    order, _ = placed
    advance(order, to="ready_for_pickup", by=clerk_user)

    response = clerk.post(url(order, "hand-over"), {"pickup_code": typo}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_pickup_code"
    assert list(response.json()["fields"]) == ["pickup_code"]
    assert Order.objects.get(pk=order.pk).pickup_code_failed_attempts == 0
    assert state_of(order) == "ready_for_pickup"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Free replacement: nothing to pay."),
        ("de", "Kostenloser Ersatz: nichts zu bezahlen."),
    ],
)
def test_a_replacement_order_tells_the_shopper_it_is_free_in_their_language(
    anonymous, store, drill, stocked, language, text
):
    order, token = place_order(
        store, drill, payment_method="pay_in_store", kind="replacement", channel="hotline"
    )

    response = anonymous.get(url(order), HTTP_X_ORDER_TOKEN=token, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response.json()["payment"] == {
        "method": "pay_in_store",
        "state": "free_replacement",
        "text": text,
        "mandate_reference": None,
    }


@pytest.mark.django_db
def test_the_hand_over_answer_says_the_capture_is_in_progress_not_authorized(
    clerk, clerk_user, store, drill, stocked
):
    order, _token = place_order(store, drill)
    order = advance(order, to="ready_for_pickup", by=clerk_user)
    response = clerk.post(
        url(order, "hand-over"),
        {"pickup_code": order_pickup_code_for_shopper(order=order)},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["payment"]["state"] == "capture_pending"
    assert response.json()["payment"]["text"] == (
        "Card: you collected; the amount is being charged now."
    )
