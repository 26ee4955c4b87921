"""The Idempotency-Key mechanism on its own; the endpoints that use it test it again end to end."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from api.exceptions import IdempotencyKeyReused, InvalidIdempotencyKey
from api.idempotency import idempotent
from api.models import IdempotencyRecord
from api.tasks import idempotency_record_purge_task
from config.exceptions import InvalidInput
from inventory.models import StockLevel
from stores.models import Store
from tests.api.conftest import clerk_of, client_for
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory


def post(body: dict, key: str | None = "key-1", path: str = "/api/v1/things/") -> Request:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    raw = APIRequestFactory().post(path, body, format="json", **headers)
    return Request(raw, parsers=[JSONParser()])


def create_store(request: Request) -> Response:
    store = StoreFactory(code=request.data["code"])
    return Response({"code": store.code, "id": store.pk}, status=201)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_replays_the_first_answer_and_creates_nothing():
    first = idempotent(
        post({"code": "PAS-01"}),
        scope="test",
        perform=lambda: create_store(post({"code": "PAS-01"})),
    )

    second = idempotent(
        post({"code": "PAS-01"}),
        scope="test",
        perform=lambda: create_store(post({"code": "PAS-02"})),
    )

    assert (second.status_code, second.data) == (201, first.data)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert list(Store.objects.values_list("code", flat=True)) == ["PAS-01"]
    assert IdempotencyRecord.objects.get().response_status == 201


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused_and_creates_nothing():
    idempotent(
        post({"code": "PAS-01"}),
        scope="test",
        perform=lambda: create_store(post({"code": "PAS-01"})),
    )

    with pytest.raises(IdempotencyKeyReused) as refused:
        idempotent(
            post({"code": "REG-01"}),
            scope="test",
            perform=lambda: create_store(post({"code": "REG-01"})),
        )

    assert refused.value.code == "idempotency_key_reused"
    assert refused.value.status == 422
    assert list(Store.objects.values_list("code", flat=True)) == ["PAS-01"]


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_independent():
    idempotent(
        post({"code": "PAS-01"}),
        scope="one",
        perform=lambda: create_store(post({"code": "PAS-01"})),
    )

    idempotent(
        post({"code": "PAS-01"}),
        scope="two",
        perform=lambda: create_store(post({"code": "REG-01"})),
    )

    assert sorted(Store.objects.values_list("code", flat=True)) == ["PAS-01", "REG-01"]


@pytest.mark.django_db
def test_without_a_key_every_request_does_the_work():
    idempotent(
        post({"code": "PAS-01"}, key=None),
        scope="test",
        perform=lambda: create_store(post({"code": "PAS-01"})),
    )

    idempotent(
        post({"code": "REG-01"}, key=None),
        scope="test",
        perform=lambda: create_store(post({"code": "REG-01"})),
    )

    assert Store.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_first_attempt_is_not_remembered_so_the_retry_does_the_work():
    def refuse() -> Response:
        StoreFactory(code="HALF-01")
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        idempotent(post({"code": "PAS-01"}), scope="test", perform=refuse)
    retried = idempotent(
        post({"code": "PAS-01"}),
        scope="test",
        perform=lambda: create_store(post({"code": "PAS-01"})),
    )

    assert retried.status_code == 201
    assert list(Store.objects.values_list("code", flat=True)) == ["PAS-01"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "schlüssel", "tab\there", "two words"])
def test_a_malformed_key_is_refused_before_any_work(key):
    with pytest.raises(InvalidIdempotencyKey):
        idempotent(
            post({"code": "PAS-01"}, key=key),
            scope="test",
            perform=lambda: create_store(post({"code": "PAS-01"})),
        )

    assert Store.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_the_same_key_do_the_work_once():
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []

    def attempt(index: int) -> None:
        try:
            barrier.wait()
            response = idempotent(
                post({"code": "PAS-01"}),
                scope="test",
                perform=lambda: create_store(post({"code": f"PAS-{index:02d}"})),
            )
            answers.append((response.status_code, response.data))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Store.objects.count() == 1
    store = Store.objects.get()
    assert answers == [(201, {"code": store.code, "id": store.pk})] * threads_count


@pytest.mark.django_db
def test_records_older_than_the_retention_are_purged_and_newer_ones_kept():
    now = timezone.now()
    old = IdempotencyRecord.objects.create(key="old", scope="test", fingerprint="f")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=now - datetime.timedelta(hours=49)
    )
    IdempotencyRecord.objects.create(key="new", scope="test", fingerprint="f")

    deleted = idempotency_record_purge_task()

    assert deleted == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_a_key_belongs_to_its_caller_so_another_clerk_with_the_same_key_does_the_work():
    store = StoreFactory(code="PAS-01")
    drill = ProductFactory(sku="DRL-18V")
    StockLevelFactory(store=store, product=drill, on_hand=10)
    first_clerk, second_clerk = clerk_of(store), clerk_of(store)
    body = {"sku": "DRL-18V", "kind": "receipt", "quantity": 1}
    headers = {"Idempotency-Key": "delivery-42"}

    first = client_for(first_clerk).post(
        "/api/v1/stores/PAS-01/stock/", body, format="json", headers=headers
    )
    retry = client_for(first_clerk).post(
        "/api/v1/stores/PAS-01/stock/", body, format="json", headers=headers
    )
    other = client_for(second_clerk).post(
        "/api/v1/stores/PAS-01/stock/", body, format="json", headers=headers
    )

    assert (first.status_code, retry.status_code, other.status_code) == (201, 201, 201)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in other.headers
    assert StockLevel.objects.get(store=store, product=drill).on_hand == 12
    assert sorted(IdempotencyRecord.objects.values_list("scope", flat=True)) == sorted(
        [
            f"stock.change:{store.pk}:user:{first_clerk.pk}",
            f"stock.change:{store.pk}:user:{second_clerk.pk}",
        ]
    )
