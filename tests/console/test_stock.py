import pytest
from django.urls import reverse

from inventory.models import StockLevel, StockMovement
from inventory.services import stock_receive
from orders.models import Order
from tests.console import scenario
from tests.inventory.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _delivery(store, *lines: tuple[str, str], reference: str = "") -> dict:
    """The goods-in form's data: the store, the delivery note and (code, units) lines."""
    data = {
        "store": store.pk,
        "reference": reference,
        "lines-TOTAL_FORMS": str(max(len(lines), 8)),
        "lines-INITIAL_FORMS": "0",
    }
    for index, (code, units) in enumerate(lines):
        data[f"lines-{index}-code"] = code
        data[f"lines-{index}-quantity"] = units
    return data


def test_a_clerk_receives_a_delivery_through_the_form_and_sees_it_in_the_ledger(
    clerk_client, clerk, store, drill_stock
):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        _delivery(store, ("DRILL-18V", "12"), reference="LS-4711"),
        follow=True,
    )

    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 17
    movement = StockMovement.objects.get(kind="receipt")
    assert (movement.on_hand_delta, movement.reference, movement.actor) == (12, "LS-4711", clerk)
    assert [row.pk for row in response.context["cl"].result_list] == [movement.pk]
    assert "Delivery booked: 12 units in 1 line." in response.content.decode()


def test_several_lines_by_sku_in_any_case_or_gtin_are_booked_together(
    clerk_client, clerk, store, drill_stock
):
    bits = ProductFactory(sku="BITS-32", name="Bit-Set", gtin="4006381333931")
    battery = ProductFactory(sku="AKKU-4AH", name="Akku 4Ah", gtin="4012345678901")

    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        _delivery(
            store,
            ("drill-18v", "2"),
            ("4006381333931", "10"),
            (" akku-4ah ", "3"),
            ("400-638 1333931", "5"),
            reference="LS-4712",
        ),
    )

    assert response.status_code == 302
    on_hand = dict(StockLevel.objects.filter(store=store).values_list("product__sku", "on_hand"))
    assert on_hand == {"DRILL-18V": 7, "BITS-32": 15, "AKKU-4AH": 3}
    assert StockMovement.objects.filter(kind="receipt", reference="LS-4712").count() == 3
    assert {bits.pk, battery.pk} <= set(
        StockMovement.objects.values_list("stock_level__product_id", flat=True)
    )


def test_one_bad_line_books_nothing_and_every_error_is_shown_at_once(
    clerk_client, store, drill_stock
):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        _delivery(store, ("DRILL-18V", "2"), ("NOPE-1", "1"), ("DRILL-18V", "0"), ("", "4")),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "No product with this SKU or GTIN." in page
    assert "greater than or equal to 1" in page
    assert "Which product? Scan or type its SKU or GTIN." in page
    assert StockMovement.objects.filter(kind="receipt").count() == 0
    drill_stock.refresh_from_db()
    assert drill_stock.on_hand == 5


def test_an_empty_delivery_is_refused(clerk_client, store, drill_stock):
    response = clerk_client.post(reverse("admin:inventory_stocklevel_receive"), _delivery(store))

    assert "Enter at least one line." in response.content.decode()
    assert StockMovement.objects.filter(kind="receipt").count() == 0


def test_the_delivery_form_offers_eight_lines_and_starts_in_the_first(clerk_client):
    page = clerk_client.get(reverse("admin:inventory_stocklevel_receive")).content.decode()

    assert page.count('class="cc-delivery-line') == 8
    assert 'name="lines-0-code"' in page.split("autofocus")[0].rsplit("<input", 1)[1]


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
        ({"sku": "NOPE-1", "counted": "3", "reason": "Inventur"}, "No product with this SKU or"),
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
    [("0", "greater than or equal to 1"), ("abc", "Enter a whole number."), ("", "How many")],
)
def test_a_bad_receipt_is_refused_and_nothing_is_written(
    clerk_client, store, drill_stock, quantity, error
):
    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"), _delivery(store, ("DRILL-18V", quantity))
    )

    assert error in response.content.decode()
    assert StockMovement.objects.filter(kind="receipt").count() == 0


def test_a_clerk_cannot_receive_stock_for_another_store(clerk_client, other_store):
    level = scenario.drill_stocked(other_store)

    response = clerk_client.post(
        reverse("admin:inventory_stocklevel_receive"),
        _delivery(other_store, ("DRILL-18V", "5")),
    )

    assert "Select a valid choice." in response.content.decode()
    level.refresh_from_db()
    assert level.on_hand == 5


def test_an_agent_may_not_change_stock(client, agent, store, drill_stock):
    client.force_login(agent)

    response = client.post(
        reverse("admin:inventory_stocklevel_receive"), _delivery(store, ("DRILL-18V", "5"))
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
