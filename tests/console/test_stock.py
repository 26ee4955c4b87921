import pytest
from django.urls import reverse

from inventory.models import StockLevel, StockMovement
from inventory.services import stock_receive
from orders.models import Order
from tests.console import scenario

pytestmark = pytest.mark.django_db


def test_a_clerk_receives_a_delivery_through_the_form_and_sees_it_in_the_ledger(
    clerk_client, clerk, store, drill_stock
):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        {"store": store.pk, "sku": "DRILL-18V", "quantity": "12", "reference": "LS-4711"},
        follow=True,
    )

    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 17
    movement = StockMovement.objects.get(kind="receipt")
    assert (movement.on_hand_delta, movement.reference, movement.actor) == (12, "LS-4711", clerk)
    assert [row.pk for row in response.context["cl"].result_list] == [movement.pk]
    assert "Received 12 × DRILL-18V; now 17 on hand." in response.content.decode()


def test_a_clerk_corrects_a_count_with_a_reason(clerk_client, clerk, store, drill_stock):
    clerk_client.post(
        reverse("admin:inventory_stocklevel_count"),
        {"store": store.pk, "sku": "DRILL-18V", "counted": "3", "reason": "Verpackung beschädigt"},
    )

    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 3
    movement = StockMovement.objects.get(kind="adjustment")
    assert (movement.on_hand_delta, movement.reason, movement.actor) == (
        -2,
        "Verpackung beschädigt",
        clerk,
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"sku": "DRILL-18V", "counted": "3", "reason": ""}, "This field is required."),
        ({"sku": "NOPE-1", "counted": "3", "reason": "Inventur"}, "No product with this SKU."),
        ({"sku": "DRILL-18V", "counted": "-1", "reason": "Inventur"}, "greater than or equal to 0"),
        (
            {"sku": "DRILL-18V", "counted": "0", "reason": "Inventur"},
            "The count is below what is reserved for orders",
        ),
    ],
)
def test_a_bad_count_is_refused_with_a_message_and_nothing_is_written(
    clerk_client, store, drill_stock, data, error
):
    scenario.order_placed(store)

    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_count"), {"store": store.pk, **data}
    )

    assert error in response.content.decode()
    drill_stock.refresh_from_db()
    assert (drill_stock.on_hand, drill_stock.reserved) == (5, 1)
    assert StockMovement.objects.filter(kind="adjustment").count() == 0


@pytest.mark.parametrize(
    ("quantity", "error"),
    [("0", "greater than or equal to 1"), ("abc", "Enter a whole number."), ("", "required")],
)
def test_a_bad_receipt_is_refused_and_nothing_is_written(
    clerk_client, store, drill_stock, quantity, error
):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        {"store": store.pk, "sku": "DRILL-18V", "quantity": quantity},
    )

    assert error in response.content.decode()
    assert StockMovement.objects.filter(kind="receipt").count() == 0


def test_a_clerk_cannot_receive_stock_for_another_store(clerk_client, other_store):
    level = scenario.drill_stocked(other_store)

    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        {"store": other_store.pk, "sku": "DRILL-18V", "quantity": "5"},
    )

    assert "Select a valid choice." in response.content.decode()
    level.refresh_from_db()
    assert level.on_hand == 5


def test_an_agent_may_not_change_stock(client, agent, store, drill_stock):
    client.force_login(agent)

    response = client.post(
        reverse("admin:inventory_stocklevel_receive"),
        {"store": store.pk, "sku": "DRILL-18V", "quantity": "5"},
    )

    assert response.status_code == 403
    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 5


def test_the_ledger_shows_only_the_clerks_store(clerk_client, clerk, store, other_store):
    own = scenario.drill_stocked(store, on_hand=0)
    foreign = StockLevel.objects.create(store=other_store, product=own.product)
    stock_receive(store_id=store.pk, product_id=own.product_id, quantity=4)
    stock_receive(store_id=other_store.pk, product_id=foreign.product_id, quantity=9)

    response = clerk_client.get(reverse("admin:inventory_stockmovement_changelist"))

    assert [row.on_hand_delta for row in response.context["cl"].result_list] == [4]


def test_stock_rows_cannot_be_edited_directly(clerk_client, drill_stock):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_change", args=[drill_stock.pk]),
        {"on_hand": "500"},
    )

    assert response.status_code == 403
    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 5


def test_the_stock_list_links_each_row_to_its_ledger(clerk_client, store, drill_stock):
    response = clerk_client.get(reverse("admin:inventory_stocklevel_changelist"))
    ledger = clerk_client.get(
        reverse("admin:inventory_stockmovement_changelist"),
        {"stock_level__id__exact": drill_stock.pk},
    )

    assert f"stock_level__id__exact={drill_stock.pk}" in response.content.decode()
    assert ledger.status_code == 200


def test_the_store_receives_a_returned_item_through_the_case_page(clerk_client, store, drill_stock):
    order = scenario.order_fact(store, Order.State.COLLECTED)
    order.lines.update(product=drill_stock.product)
    case = scenario.return_case_fact(order, state="in_transit", number="RMA-7")

    page = clerk_client.get(reverse("admin:returns_returncase_change", args=[case.pk]))
    line = case.lines.get()
    clerk_client.post(
        reverse("admin:returns_returncase_receive", args=[case.pk]),
        {f"received_{line.pk}": "1", f"condition_{line.pk}": "resellable"},
    )

    assert reverse("admin:returns_returncase_receive", args=[case.pk]) in page.content.decode()
    case.refresh_from_db()
    line.refresh_from_db()
    assert (case.state, line.quantity_received, line.condition) == ("received", 1, "resellable")
    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 6
