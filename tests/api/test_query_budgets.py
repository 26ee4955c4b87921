"""Query budgets of the hot API endpoints: placing an order, reading it, the queues and the
catalogue. A placement is counted as the database sees it in production: no test transaction
around it, BEGIN and COMMIT included, stores' opening hours already in the process's memory.
Reads stay flat when rows grow 10×."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import IdempotencyRecord
from inventory.models import StockLevel
from messaging.models import Notification
from messaging.services import notification_deliver
from orders import services
from orders.models import Order
from tests.api.conftest import clerk_of, client_for, place_order
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory, opening_hours_set

URL = "/api/v1/orders/"

# SPEC §6: at most 12 SQL statements for a one-line pay-in-store order, Idempotency-Key,
# BEGIN and COMMIT included (it takes 11).
PLACE_ONE_LINE_PAY_IN_STORE = 12
# Card: the payment row and its authorize call (an outbox row) come on top.
PLACE_ONE_LINE_CARD = 14
# Each further line adds the guarded UPDATE of its stock row, nothing else.
PLACE_THREE_LINES_PAY_IN_STORE = 14
# Out of stock with transfer allowed: the stores that have it, then the order in sourcing.
PLACE_SOURCING = 16
# A retry of a finished placement redoes the work, rolls it back when its record yields, and
# reads the stored answer: no savepoint or read on the first placement's path pays for it.
REPLAY = 13


def order_body(*, email: str = "mueller@example.com", lines=None, **changes) -> dict:
    body = {
        "customer": {"email": email, "name": "Frau Müller", "phone": "+4985112345"},
        "pickup_store": "PAS-01",
        "lines": lines or [{"sku": "DRL-18V", "quantity": 1}],
        "payment_method": "pay_in_store",
    }
    body.update(changes)
    return body


@pytest.fixture
def shop(settings):
    """A store with hours, three stocked products, and the process's memory of the hours warmed
    by a first order, as in a web worker that has served a request."""
    settings.STORE_SCHEDULE_CACHE_SECONDS = 60
    store = StoreFactory(code="PAS-01", latitude=48.5665, longitude=13.4312)
    opening_hours_set(store)
    for sku in ("DRL-18V", "BIT-SET", "BAT-4AH"):
        StockLevelFactory(store=store, product=ProductFactory(sku=sku), on_hand=500)
    client = client_for()
    warm = client.post(URL, order_body(email="warm@example.com"), format="json")
    assert warm.status_code == 201, warm.content
    return store


def statements_of_one_post(body: dict, key: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client_for().post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code in (200, 201), response.content
    return len(captured), [query["sql"][:120] for query in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_one_line_pay_in_store_order_of_a_new_customer_takes_at_most_12_statements(shop):
    count, statements = statements_of_one_post(order_body(), "checkout-1")

    assert count <= PLACE_ONE_LINE_PAY_IN_STORE, "\n".join(statements)
    assert Order.objects.get(customer__email="mueller@example.com").state == "reserved"


@pytest.mark.django_db(transaction=True)
def test_a_returning_customers_one_line_order_takes_at_most_12_statements(shop):
    statements_of_one_post(order_body(), "checkout-1")

    count, statements = statements_of_one_post(order_body(), "checkout-2")

    assert count <= PLACE_ONE_LINE_PAY_IN_STORE, "\n".join(statements)
    assert Order.objects.filter(customer__email="mueller@example.com").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_one_line_card_order_takes_at_most_14_statements(shop):
    count, statements = statements_of_one_post(order_body(payment_method="card"), "checkout-1")

    assert count <= PLACE_ONE_LINE_CARD, "\n".join(statements)


@pytest.mark.django_db(transaction=True)
def test_a_three_line_order_adds_one_statement_per_further_line(shop):
    lines = [{"sku": sku, "quantity": 2} for sku in ("DRL-18V", "BIT-SET", "BAT-4AH")]

    count, statements = statements_of_one_post(order_body(lines=lines), "checkout-1")

    assert count <= PLACE_THREE_LINES_PAY_IN_STORE, "\n".join(statements)
    reserved = dict(StockLevel.objects.values_list("product__sku", "reserved"))
    assert reserved == {"DRL-18V": 1 + 2, "BIT-SET": 2, "BAT-4AH": 2}


@pytest.mark.django_db(transaction=True)
def test_an_order_going_to_sourcing_stays_within_its_budget(shop):
    elsewhere = StoreFactory(code="MUC-01", latitude=48.1496, longitude=11.4619)
    StockLevelFactory(store=elsewhere, product=ProductFactory(sku="SAW-01"), on_hand=5)
    lines = [{"sku": "SAW-01", "quantity": 1}]

    count, statements = statements_of_one_post(
        order_body(lines=lines, allow_transfer=True), "checkout-1"
    )

    assert count <= PLACE_SOURCING, "\n".join(statements)
    assert Order.objects.get(lines__product__sku="SAW-01").state == "sourcing"


@pytest.mark.django_db(transaction=True)
def test_a_retry_redoes_the_work_rolls_it_back_and_answers_with_the_stored_one(shop):
    first = client_for().post(URL, order_body(), format="json", HTTP_IDEMPOTENCY_KEY="checkout-1")

    count, statements = statements_of_one_post(order_body(), "checkout-1")

    assert count <= REPLAY, "\n".join(statements)
    assert IdempotencyRecord.objects.count() == 1
    assert Order.objects.filter(customer__email="mueller@example.com").count() == 1
    assert first.status_code == 201


# --- reads: flat when rows grow ----------------------------------------------------------------


def _stocked_products(store, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        StockLevelFactory(store=store, product=ProductFactory(sku=f"P-{index:04d}"), on_hand=50)


def _queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.django_db
def test_the_shoppers_order_page_reads_the_same_queries_for_1_and_10_lines(store):
    _stocked_products(store, 11)
    small, small_token = place_order(
        store, ProductFactory(sku="P-0000"), payment_method="pay_in_store"
    )
    placed = services.order_place(
        customer=services.CustomerInput(email="gross@example.com", name="Herr Groß"),
        pickup_store_code=store.code,
        lines=[services.LineInput(sku=f"P-{index:04d}", quantity=1) for index in range(1, 11)],
        payment_method="pay_in_store",
    )

    few = _queries(client_for(), f"{URL}{small.number}/", HTTP_X_ORDER_TOKEN=small_token)
    many = _queries(
        client_for(), f"{URL}{placed.order.number}/", HTTP_X_ORDER_TOKEN=placed.access_token
    )

    assert few == many <= 6


@pytest.mark.django_db
def test_a_clerks_queue_reads_the_same_queries_for_3_and_30_orders(store):
    clerk = clerk_of(store)
    _stocked_products(store, 30)

    def queue_after(orders: int, start: int) -> int:
        for index in range(start, start + orders):
            place_order(
                store,
                ProductFactory(sku=f"P-{index:04d}"),
                email=f"shopper{index}@example.com",
                payment_method="pay_in_store",
            )
        return _queries(client_for(clerk), f"{URL}?store={store.code}&limit=100")

    few = queue_after(3, 0)
    many = queue_after(27, 3)

    assert few == many <= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # Search may add a fuzzy pass when few products match: bounded, not flat.
        ("/api/v1/products/?search=P-", 6),
        ("/api/v1/products/P-0001/availability/?lat=48.57&lon=13.43", 6),
        ("/api/v1/stores/?lat=48.57&lon=13.43&radius_km=500", 4),
    ],
)
def test_catalogue_reads_run_a_bounded_number_of_queries_for_few_and_many_rows(url, budget):
    first = StoreFactory(code="PAS-01", latitude=48.5665, longitude=13.4312)
    opening_hours_set(first)
    _stocked_products(first, 3)
    few = _queries(client_for(), url)
    for index in range(2, 12):
        store = StoreFactory(code=f"S-{index:02d}", latitude=48 + index / 10, longitude=12.0)
        opening_hours_set(store)
        StockLevelFactory(store=store, product=ProductFactory(sku="P-0001"), on_hand=5)
    _stocked_products(first, 27, start=3)

    many = _queries(client_for(), url)

    assert few <= budget
    assert many <= budget
    if "search" not in url:
        assert few == many


# The worker's side of a placement: claim, the message with its customer, the order with its
# store, payment and lines, the outcome. (Eight before the claim became one statement, five
# before the order and its lines became one.)
SEND_CONFIRMATION = 4


@pytest.mark.django_db(transaction=True)
def test_sending_an_orders_confirmation_takes_at_most_4_statements(shop):
    statements_of_one_post(order_body(), "checkout-1")
    confirmation = Notification.objects.get(
        template="confirmation", customer__email="mueller@example.com"
    )

    with CaptureQueriesContext(connection) as captured:
        status = notification_deliver(confirmation.pk)

    assert status == "sent"
    statements = [query["sql"][:120] for query in captured.captured_queries]
    assert len(captured) <= SEND_CONFIRMATION, "\n".join(statements)
