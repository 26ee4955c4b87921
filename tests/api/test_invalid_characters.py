"""NUL and lone surrogates, which no text column can store, in the path, the query and the body
of every endpoint family: 400 `invalid_characters`, never a 500, and nothing written."""

import json

import pytest
from django.test import Client

from tests.api.conftest import agent, clerk_of, client_for
from tests.hotline.scenario import exchange_of, order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.support.snapshot import database_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """PAS-01 with drills, a clerk, an agent, a collected order and its exchange case."""
    store = store_open_all_day(code="PAS-01", name="Passau")
    drill = ProductFactory(sku="DRL-18V")
    StockLevelFactory(store=store, product=drill, on_hand=10)
    clerk = clerk_of(store, username="bytes.clerk")
    hotline = agent()
    order = order_collect(store=store, products=[drill], clerk=clerk)
    case = exchange_of(order, by=hotline, sku="DRL-18V").case
    return {"clerk": clerk, "agent": hotline, "order": order.number, "case": case.number,
            "customer": order.customer_id}  # fmt: skip


ORDER = {
    "customer": {"email": "bytes@example.com", "name": "Bytes"},
    "pickup_store": "PAS-01",
    "lines": [{"sku": "DRL-18V", "quantity": 1}],
    "payment_method": "pay_in_store",
}
EXCHANGE = {
    "order_number": "{order}",
    "lines": [{"sku": "DRL-18V", "quantity": 1}],
    "reason": "defective",
    "replacement_store": "PAS-01",
    "collection": {
        "address": {"name": "Erika", "line1": "Innstraße 1", "postcode": "94032", "city": "Passau"},
        "date": "2031-01-02",
        "window_start": "09:00",
        "window_end": "12:00",
    },
}
RECEIVE = {"lines": [{"sku": "DRL-18V", "quantity": 1, "condition": "resellable"}]}
STOCK = {"sku": "DRL-18V", "kind": "receipt", "quantity": 1}

# (family, caller, method, path with {nul} where the bad character goes, body, where it shows)
CASES = [
    ("products", None, "get", "/api/v1/products/{nul}/availability/", None, "path"),
    ("products", None, "get", "/api/v1/products/DRL{nul}/", None, "path"),
    ("products", None, "get", "/api/v1/products/?search=drill{nul}", None, "query"),
    ("products", None, "get", "/api/v1/products/DRL-18V/availability/?lat=4{nul}8", None, "query"),
    ("stores", None, "get", "/api/v1/stores/?lat=48{nul}&lon=13", None, "query"),
    ("stores", "clerk", "get", "/api/v1/stores/PAS{nul}/stock/", None, "path"),
    ("stores", "clerk", "post", "/api/v1/stores/PAS-01/stock/", {**STOCK, "reason": "{nul}"}, "body"),  # noqa: E501
    ("orders", None, "post", "/api/v1/orders/", {**ORDER, "campaign": "news{nul}"}, "body"),
    ("orders", None, "post", "/api/v1/orders/", {**ORDER, "customer": {"email": "a@b.de", "name": "A{nul}"}}, "body"),  # noqa: E501
    ("orders", "clerk", "get", "/api/v1/orders/{order}{nul}/", None, "path"),
    ("orders", "clerk", "get", "/api/v1/orders/?state=ready{nul}", None, "query"),
    ("orders", "clerk", "post", "/api/v1/orders/{order}/cancel/", {"reason": "{nul}"}, "body"),
    ("returns", "clerk", "get", "/api/v1/returns/{case}{nul}/", None, "path"),
    ("returns", "clerk", "post", "/api/v1/returns/{case}/receive/", {"lines": [{**RECEIVE["lines"][0], "sku": "DRL{nul}"}]}, "body"),  # noqa: E501
    ("exchanges", "agent", "post", "/api/v1/exchanges/", {**EXCHANGE, "reason": "defective{nul}"}, "body"),  # noqa: E501
    ("exchanges", "agent", "post", "/api/v1/exchanges/?x={nul}", EXCHANGE, "query"),
    ("customers", "agent", "get", "/api/v1/customers/?search=mue{nul}ller", None, "query"),
    ("customers", "agent", "get", "/api/v1/customers/{customer}/timeline/?{nul}=1", None, "query"),
    ("auth", None, "post", "/api/v1/auth/token/", {"username": "bytes.clerk{nul}", "password": "demo"}, "body"),  # noqa: E501
]  # fmt: skip


def fill(value, values: dict):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {fill(key, values): fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return value


def request(client, world, method, path, body, bad: str):
    values = {**world, "nul": bad}
    url = fill(path, {**values, "nul": "%00" if bad == "\x00" else bad})
    if body is None:
        return getattr(client, method)(url)
    raw = json.dumps(fill(body, values))  # NUL and surrogates as \u escapes, as clients send
    return getattr(client, method)(url, raw, content_type="application/json")


@pytest.mark.parametrize(
    ("family", "caller", "method", "path", "body", "where"),
    CASES,
    ids=[f"{case[0]}-{case[2]}-{case[5]}-{index}" for index, case in enumerate(CASES)],
)
def test_a_nul_anywhere_answers_400_invalid_characters_and_writes_nothing(
    world, family, caller, method, path, body, where
):
    client = client_for(world[caller]) if caller else client_for()
    before = database_snapshot()

    response = request(client, world, method, path, body, "\x00")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_characters"
    assert where in response.json()["fields"]
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("family", "caller", "method", "path", "body", "where"),
    [case for case in CASES if case[5] == "body"],
)
def test_a_lone_surrogate_in_a_json_body_answers_400_and_writes_nothing(
    world, family, caller, method, path, body, where
):
    client = client_for(world[caller]) if caller else client_for()
    before = database_snapshot()

    response = request(client, world, method, path, body, "\ud800")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_characters"
    assert database_snapshot() == before


def test_the_body_field_with_the_nul_is_named():
    response = Client().post(
        "/api/v1/orders/",
        json.dumps({**ORDER, "customer": {"email": "a@b.de", "name": "A\x00"}}),
        content_type="application/json",
    )

    assert response.json()["fields"] == {"body": ["customer.name"]}


def test_an_emoji_written_as_a_surrogate_pair_is_no_bad_character(world):
    response = client_for(world["clerk"]).post(
        f"/api/v1/orders/{world['order']}/cancel/",
        '{"reason": "kaputt \\ud83d\\ude00"}',
        content_type="application/json",
    )

    assert response.json().get("code") != "invalid_characters"


def test_a_nul_in_a_header_or_cookie_answers_400():
    with_header = Client().get("/api/v1/stores/", headers={"X-Order-Token": "a\x00b"})
    with_cookie = Client(HTTP_COOKIE="sessionid=abc\x00def").get("/api/v1/stores/")

    assert (with_header.status_code, with_header.json()["fields"]) == (
        400,
        {"headers": ["HTTP_X_ORDER_TOKEN"]},
    )
    assert with_cookie.status_code == 400


def test_shop_pages_and_forms_answer_400_too():
    search = Client().get("/?q=drill%00")
    newsletter = Client().post("/newsletter/", {"email": "a\x00@example.com"})

    assert (search.status_code, search["Content-Type"]) == (400, "text/plain; charset=utf-8")
    assert newsletter.status_code == 400
