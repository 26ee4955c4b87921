"""Every console list page runs the same bounded number of queries for few rows and for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import StockLevel
from inventory.services import StockRequest, stock_receive, transfer_request
from orders.models import Order
from returns.models import ReturnLine
from tests.console import scenario
from tests.inventory.factories import ProductFactory
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory, OrderLineFactory
from tests.stores.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db

SIZES = [2, 25]


@pytest.fixture
def busy_store(store, other_store):
    """rows(n): n orders in each open state, n stock rows with a receipt each, n returns and
    n transfers each way."""

    def rows(count: int):
        for index in range(count):
            for state in (
                Order.State.RESERVED,
                Order.State.PICKING,
                Order.State.READY_FOR_PICKUP,
                Order.State.COLLECTED,
            ):
                order = scenario.order_fact(store, state, units=2)
            scenario.return_case_fact(order, state="in_transit", number=f"RMA-{index}")
            product = ProductFactory(sku=f"LOAD-{index:03d}", category=f"Aisle {index % 4}")
            StockLevel.objects.create(store=store, product=product)
            stock_receive(store_id=store.pk, product_id=product.pk, quantity=3)
            StockLevel.objects.create(store=other_store, product=product, on_hand=3)
            for source, destination in ((store, other_store), (other_store, store)):
                transfer_request(
                    source_store_id=source.pk,
                    destination_store_id=destination.pk,
                    requests=[StockRequest(product.pk, 1, f"order-line:{index}")],
                    reference=f"order:{order.number}",
                )

    return rows


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("url_name", "params", "max_queries"),
    [
        ("admin:index", {}, 18),
        ("admin:console_pick_list", {}, 10),
        ("admin:orders_order_changelist", {}, 10),
        ("admin:inventory_stocklevel_changelist", {}, 10),
        ("admin:inventory_stockmovement_changelist", {}, 10),
        ("admin:returns_returncase_changelist", {}, 10),
        ("admin:inventory_transfer_changelist", {}, 10),
        ("admin:console_queues", {}, 18),
        ("admin:inventory_product_changelist", {}, 12),
        ("admin:stores_store_changelist", {}, 10),
    ],
)
def test_a_clerks_list_page_runs_a_bounded_number_of_queries(
    clerk_client, busy_store, django_assert_max_num_queries, size, url_name, params, max_queries
):
    busy_store(size)

    with django_assert_max_num_queries(max_queries):
        response = clerk_client.get(reverse(url_name), params)

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("url_name", "max_queries"),
    [
        ("admin:stores_staffmembership_changelist", 10),
        ("admin:newsletter_campaign_changelist", 10),
        ("admin:customers_customer_changelist", 10),
    ],
)
def test_an_administrators_list_page_runs_a_bounded_number_of_queries(
    admin_client, store, django_assert_max_num_queries, size, url_name, max_queries
):
    StaffMembershipFactory.create_batch(size, store=store)
    CampaignFactory.create_batch(size)
    CustomerFactory.create_batch(size)

    with django_assert_max_num_queries(max_queries):
        response = admin_client.get(reverse(url_name))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_kpis_page_runs_a_bounded_number_of_queries(
    client, manager, busy_store, django_assert_max_num_queries, size
):
    busy_store(size)
    client.force_login(manager)

    with django_assert_max_num_queries(13):
        response = client.get(reverse("admin:console_kpis"))

    assert response.context["kpis"].orders == 4 * size


@pytest.mark.parametrize("size", SIZES)
def test_the_order_page_runs_a_bounded_number_of_queries(
    clerk_client, store, django_assert_max_num_queries, size
):
    order = scenario.order_fact(store, Order.State.RESERVED)
    for _ in range(size):
        scenario.order_fact(store, Order.State.RESERVED).lines.update(order=order)

    with django_assert_max_num_queries(15):
        response = clerk_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert response.status_code == 200


def _queries_of(client, url: str) -> int:
    # A first visit fills the process's caches (content types, the user's permissions) once.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_transfer_page_reads_the_same_queries_for_1_and_10_lines(
    client, store, other_store, other_clerk
):
    products = [ProductFactory(sku=f"LOAD-{index:03d}") for index in range(10)]
    for product in products:
        StockLevel.objects.create(store=other_store, product=product, on_hand=3)
    order = scenario.order_fact(store, Order.State.SOURCING)

    def transfer_of(lines) -> str:
        transfer = transfer_request(
            source_store_id=other_store.pk,
            destination_store_id=store.pk,
            requests=[StockRequest(product.pk, 1, f"order-line:{product.pk}") for product in lines],
            reference=f"order:{order.number}",
        )
        return reverse("admin:inventory_transfer_change", args=[transfer.pk])

    one, ten = transfer_of(products[:1]), transfer_of(products)
    client.force_login(other_clerk)

    few = _queries_of(client, one)
    many = _queries_of(client, ten)

    assert few == many


def test_the_return_case_page_reads_the_same_queries_for_1_and_10_lines(clerk_client, store):
    order = scenario.order_fact(store, Order.State.COLLECTED)
    one = scenario.return_case_fact(order, state="in_transit", number="RMA-1")
    ten = scenario.return_case_fact(order, state="in_transit", number="RMA-10")
    for _ in range(9):
        line = OrderLineFactory(order=order)
        ReturnLine.objects.create(case=ten, order_line=line, product=line.product, quantity=1)

    few = _queries_of(clerk_client, reverse("admin:returns_returncase_change", args=[one.pk]))
    many = _queries_of(clerk_client, reverse("admin:returns_returncase_change", args=[ten.pk]))

    assert ten.lines.count() == 10
    assert few == many
