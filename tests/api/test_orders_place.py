import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from customers.models import Customer
from inventory.models import Reservation, StockLevel
from messaging.models import Notification
from orders.models import Order
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory

URL = "/api/v1/orders/"


@pytest.fixture
def drill():
    return ProductFactory(sku="DRL-18V", name="Cordless drill 18 V", price="129.00")


@pytest.fixture
def stocked(store, drill):
    return StockLevelFactory(store=store, product=drill, on_hand=3)


def order_body(**changes) -> dict:
    body = {
        "customer": {"email": "mueller@example.com", "name": "Frau Müller", "phone": "+4985112345"},
        "pickup_store": "PAS-01",
        "lines": [{"sku": "DRL-18V", "quantity": 2}],
        "payment_method": "card",
    }
    body.update(changes)
    return body


def nothing_written() -> bool:
    return (
        Order.objects.count() == 0
        and Customer.objects.count() == 0
        and Reservation.objects.count() == 0
    )


@pytest.mark.django_db
def test_placing_an_order_reserves_the_stock_and_returns_number_state_and_token(anonymous, stocked):
    response = anonymous.post(URL, order_body(campaign="newsletter-2026-11"), format="json")

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body["number"] == order.number
    assert body["state"] == "reserved"
    assert len(body["access_token"]) == 40
    assert (body["pickup_store"], body["total"], body["currency"]) == ("PAS-01", "258.00", "EUR")
    assert order.campaign == "newsletter-2026-11"
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_the_returned_token_opens_the_order(anonymous, stocked):
    placed = anonymous.post(URL, order_body(), format="json").json()

    response = APIClient().get(
        f"{URL}{placed['number']}/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    )

    assert response.status_code == 200
    assert response.json()["state"] == "reserved"


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_creates_one_order_and_answers_the_same(
    anonymous, stocked
):
    first = anonymous.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    second = anonymous.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_the_same_idempotency_key_with_another_body_answers_422_and_creates_nothing_more(
    anonymous, stocked
):
    anonymous.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    response = anonymous.post(
        URL,
        order_body(lines=[{"sku": "DRL-18V", "quantity": 1}]),
        format="json",
        HTTP_IDEMPOTENCY_KEY="checkout-1",
    )

    assert (response.status_code, response.json()["code"]) == (422, "idempotency_key_reused")
    assert Order.objects.count() == 1
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_a_second_shopper_with_the_same_key_never_receives_the_first_shoppers_order_or_token(
    stocked,
):
    first_shopper, second_shopper = APIClient(), APIClient()
    first = first_shopper.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")
    stranger = order_body(
        customer={"email": "schmidt@example.com", "name": "Herr Schmidt"},
        lines=[{"sku": "DRL-18V", "quantity": 1}],
    )

    second = second_shopper.post(URL, stranger, format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    placed = first.json()
    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (422, "idempotency_key_reused")
    assert "Idempotent-Replayed" not in second.headers
    assert placed["access_token"] not in second.content.decode()
    assert placed["number"] not in second.content.decode()
    assert list(Order.objects.values_list("customer__email", flat=True)) == ["mueller@example.com"]
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_shoppers_racing_with_one_key_and_different_orders_never_see_each_others_token(
    store, drill
):
    StockLevelFactory(store=store, product=drill, on_hand=50)
    threads_count = 5
    barrier = threading.Barrier(threads_count)
    answers: dict[str, tuple[int, dict]] = {}
    failures: list[BaseException] = []

    def checkout(index: int) -> None:
        email = f"shopper{index}@example.com"
        body = order_body(customer={"email": email, "name": f"Shopper {index}"})
        try:
            client = APIClient()
            barrier.wait()
            response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="same-key")
            answers[email] = (response.status_code, response.json())
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout, args=(index,)) for index in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    order = Order.objects.select_related("customer").get()
    placed = answers.pop(order.customer.email)
    assert placed[0] == 201
    assert placed[1]["number"] == order.number
    assert sorted(status for status, _ in answers.values()) == [422] * (threads_count - 1)
    for _, body in answers.values():
        assert body["code"] == "idempotency_key_reused"
        assert placed[1]["access_token"] not in str(body)


@pytest.mark.django_db
def test_different_idempotency_keys_place_different_orders(anonymous, stocked):
    anonymous.post(
        URL,
        order_body(lines=[{"sku": "DRL-18V", "quantity": 1}]),
        format="json",
        HTTP_IDEMPOTENCY_KEY="a",
    )

    anonymous.post(
        URL,
        order_body(lines=[{"sku": "DRL-18V", "quantity": 1}]),
        format="json",
        HTTP_IDEMPOTENCY_KEY="b",
    )

    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_order_is_not_remembered_under_its_key_so_a_retry_can_succeed(
    anonymous, store, drill
):
    level = StockLevelFactory(store=store, product=drill, on_hand=1)
    refused = anonymous.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    StockLevel.objects.filter(pk=level.pk).update(on_hand=5)

    retried = anonymous.post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert refused.status_code == 409
    assert retried.status_code == 201
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_with_the_same_idempotency_key_place_one_order(store, drill):
    StockLevelFactory(store=store, product=drill, on_hand=50)
    threads_count = 5
    barrier = threading.Barrier(threads_count)
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []

    def checkout() -> None:
        try:
            client = APIClient()
            barrier.wait()
            response = client.post(
                URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="double-click"
            )
            answers.append((response.status_code, response.json()["number"]))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    order = Order.objects.get()
    assert answers == [(201, order.number)] * threads_count
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.django_db
def test_insufficient_stock_answers_409_with_the_nearest_stores_that_have_it(
    anonymous, store, drill
):
    StockLevelFactory(store=store, product=drill, on_hand=1)
    regensburg = StoreFactory(code="REG-01", name="Regensburg", latitude=49.0134, longitude=12.1016)
    StockLevelFactory(store=regensburg, product=drill, on_hand=4)

    response = anonymous.post(URL, order_body(), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["alternatives"] == [
        {"store": "REG-01", "name": "Regensburg", "distance_km": 109.3, "available": 4}
    ]
    assert nothing_written()
    assert StockLevel.objects.get(store=store).reserved == 0


@pytest.mark.django_db
def test_allowing_a_transfer_places_the_order_for_sourcing(anonymous, store, drill):
    StockLevelFactory(store=store, product=drill, on_hand=1)
    regensburg = StoreFactory(code="REG-01", latitude=49.0134, longitude=12.1016)
    StockLevelFactory(store=regensburg, product=drill, on_hand=4)

    response = anonymous.post(URL, order_body(allow_transfer=True), format="json")

    assert (response.status_code, response.json()["state"]) == (201, "sourcing")


VALID_LINE = {"sku": "DRL-18V", "quantity": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer": None}, "customer"),
        ({"customer": "mueller@example.com"}, "customer"),
        ({"customer": {"name": "Frau Müller"}}, "customer"),
        ({"customer": {"email": "not-an-email", "name": "Frau Müller"}}, "customer"),
        ({"customer": {"email": "m@example.com", "name": ""}}, "customer"),
        ({"customer": {"email": "m@example.com", "name": "M", "language": "fr"}}, "customer"),
        ({"pickup_store": ""}, "pickup_store"),
        ({"pickup_store": 42}, "pickup_store"),
        ({"lines": []}, "lines"),
        ({"lines": None}, "lines"),
        ({"lines": {"sku": "DRL-18V", "quantity": 1}}, "lines"),
        ({"lines": [{"quantity": 1}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V"}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 0}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": -1}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 100}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 10**30}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": "2"}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": 1.5}]}, "lines"),
        ({"lines": [{"sku": "DRL-18V", "quantity": True}]}, "lines"),
        ({"lines": [VALID_LINE] * 51}, "lines"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"payment_method": None}, "payment_method"),
        ({"allow_transfer": "yes"}, "allow_transfer"),
        ({"curbside": 1}, "curbside"),
        ({"pickup_slot": "tomorrow"}, "pickup_slot"),
        ({"campaign": "x" * 65}, "campaign"),
    ],
)
def test_a_bad_order_answers_400_naming_the_field_and_writes_nothing(
    anonymous, stocked, changes, field
):
    response = anonymous.post(URL, order_body(**changes), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["customer", "pickup_store", "lines", "payment_method"])
def test_a_missing_required_field_answers_400(anonymous, stocked, missing):
    body = order_body()
    del body[missing]

    response = anonymous.post(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [missing]
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"pickup_store": "XXX-99"}, 400, "unknown_store"),
        ({"lines": [{"sku": "NOPE-1", "quantity": 1}]}, 400, "unknown_sku"),
        (
            {"lines": [{"sku": "DRL-18V", "quantity": 60}, {"sku": "DRL-18V", "quantity": 60}]},
            400,
            "invalid_quantity",
        ),
        ({"curbside": True}, 400, "curbside_not_available"),
        ({"pickup_slot": "2020-01-01T10:00:00+01:00"}, 400, "invalid"),
        (
            {"customer": {"email": "m@example.com", "name": "M", "phone": "12345"}},
            400,
            "invalid_phone",
        ),
    ],
)
def test_an_order_the_domain_refuses_answers_with_its_code_and_writes_nothing(
    anonymous, stocked, changes, status, code
):
    response = anonymous.post(URL, order_body(**changes), format="json")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert nothing_written()


@pytest.mark.django_db
def test_an_order_for_a_store_without_click_and_collect_is_refused(anonymous, drill):
    StoreFactory(code="OFF-01", click_and_collect_enabled=False)

    response = anonymous.post(URL, order_body(pickup_store="OFF-01"), format="json")

    assert (response.status_code, response.json()["code"]) == (400, "store_not_click_and_collect")
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ['{"customer": ', "[]", "null", '"order"'])
def test_a_body_that_is_not_a_json_object_answers_400_and_writes_nothing(anonymous, stocked, raw):
    response = anonymous.post(URL, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == ("malformed_json" if raw.startswith("{") else "invalid")
    assert nothing_written()


@pytest.mark.django_db
def test_a_form_encoded_order_answers_415_and_writes_nothing(anonymous, stocked):
    response = anonymous.post(URL, {"pickup_store": "PAS-01"})

    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0851 12345", "+4985112345"),
        ("(0851) 123456", "+49851123456"),
        ("0049 851 123456", "+49851123456"),
        ("+49 170 12345678", "+4917012345678"),
    ],
)
def test_a_german_number_as_people_type_it_is_stored_in_e164(anonymous, stocked, typed, stored):
    response = anonymous.post(
        URL,
        order_body(customer={"email": "m@example.com", "name": "M", "phone": typed}),
        format="json",
    )

    assert response.status_code == 201
    assert Customer.objects.get().phone == stored


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12345", "0851", "+49 0000 000", "Frau Müller", "+999 123"])
def test_a_phone_number_that_is_not_one_answers_400_invalid_phone_and_writes_nothing(
    anonymous, stocked, typed
):
    response = anonymous.post(
        URL,
        order_body(customer={"email": "m@example.com", "name": "M", "phone": typed}),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert list(response.json()["fields"]) == ["customer.phone"]
    assert nothing_written()


@pytest.mark.django_db
def test_sms_without_a_phone_number_answers_400_naming_the_phone_and_writes_nothing(
    anonymous, stocked
):
    response = anonymous.post(
        URL,
        order_body(customer={"email": "m@example.com", "name": "M"}, notify_by=["sms"]),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["customer.phone"]
    assert nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize("notify_by", [[], ["fax"], "sms", [["sms"]]])
def test_notify_by_other_than_email_and_sms_answers_400(anonymous, stocked, notify_by):
    response = anonymous.post(URL, order_body(notify_by=notify_by), format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "notify_by" in response.json()["fields"]
    assert nothing_written()


@pytest.mark.django_db
def test_the_channels_chosen_are_kept_on_the_order_and_shown(anonymous, stocked):
    placed = anonymous.post(URL, order_body(notify_by=["sms", "email"]), format="json").json()

    shown = anonymous.get(
        f"{URL}{placed['number']}/", HTTP_X_ORDER_TOKEN=placed["access_token"]
    ).json()

    assert shown["notify_by"] == ["email", "sms"]
    assert [(row.template, row.channel) for row in Notification.objects.order_by("channel")] == [
        ("confirmation", "email"),
        ("confirmation", "sms"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"cupon": "WINTER"}, {"cupon": ["Unknown field."]}),
        (
            {"customer": {"email": "m@example.com", "name": "Frau Müller", "mail": "x"}},
            {"customer": {"mail": ["Unknown field."]}},
        ),
        (
            {"lines": [{"sku": "DRL-18V", "quantity": 1, "qty": 2}]},
            {"lines": {"0": {"qty": ["Unknown field."]}}},
        ),
    ],
)
def test_an_unknown_field_anywhere_in_the_body_answers_400_naming_it_and_places_nothing(
    anonymous, stocked, changes, fields
):
    response = anonymous.post(URL, order_body(**changes), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == fields
    assert nothing_written()
    assert StockLevel.objects.get().reserved == 0
