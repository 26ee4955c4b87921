import html

import pytest
from django.urls import reverse

from console.labels import PAYMENT_STATES
from inventory.models import StockLevel
from orders import codes
from orders.models import Order
from orders.payment_status import STATES
from orders.selectors import order_pickup_code_for_shopper
from orders.services import LineInput, order_hand_over, order_mark_ready, order_start_picking
from payments.models import SideEffect
from payments.services import side_effect_perform
from tests.console import scenario
from tests.inventory.factories import ProductFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


def _page(client, order):
    return client.get(reverse("admin:orders_order_change", args=[order.pk]))


def _page_de(client, order) -> str:
    response = client.get(
        reverse("admin:orders_order_change", args=[order.pk]), headers={"accept-language": "de"}
    )
    return html.unescape(response.content.decode())


def _ready(order, clerk) -> Order:
    order_start_picking(order=order, by=clerk)
    return order_mark_ready(order=order, by=clerk)


def test_the_order_page_shows_lines_customer_payment_history_and_the_clerks_buttons(
    clerk_client, store, drill_stock
):
    order = scenario.order_placed(store, quantity=2)

    response = _page(clerk_client, order)

    content = response.content.decode()
    assert response.status_code == 200
    assert [button["action"] for button in response.context["buttons"]] == [
        "start_picking",
        "cancel",
    ]
    assert "DRILL-18V" in content
    assert "Akku-Bohrschrauber 18V" in content
    assert "Frau Müller" in content
    assert "mueller@example.com" in content
    assert "Paid in store at hand-over" in content
    assert "Reserved" in content  # the state history


def test_the_order_page_is_read_only(clerk_client, store, drill_stock):
    order = scenario.order_placed(store)

    response = clerk_client.post(
        reverse("admin:orders_order_change", args=[order.pk]), {"state": "collected"}
    )

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.state == Order.State.RESERVED


def test_the_pickup_code_is_never_shown_to_staff(client, manager, store, drill_stock):
    order = _ready(scenario.order_placed(store), manager)
    code = order_pickup_code_for_shopper(order=order)
    client.force_login(manager)

    page = _page(client, order).content.decode()
    form = client.get(reverse("admin:orders_order_hand_over", args=[order.pk])).content.decode()

    assert code not in page
    assert code not in form
    assert order.pickup_code_salt not in page


def test_start_picking_moves_the_order_to_picking_and_records_who(
    clerk_client, clerk, store, drill_stock
):
    order = scenario.order_placed(store)

    response = clerk_client.post(
        reverse("admin:orders_order_transition", args=[order.pk, "start_picking"]), follow=True
    )

    order.refresh_from_db()
    assert order.state == Order.State.PICKING
    last = order.transitions.last()
    assert (last.transition, last.actor) == ("start_picking", clerk)
    assert f"Order {order.number}: picking started." in response.content.decode()


def test_mark_ready_moves_a_picking_order_to_ready(clerk_client, clerk, store, drill_stock):
    order = order_start_picking(order=scenario.order_placed(store), by=clerk)

    clerk_client.post(reverse("admin:orders_order_transition", args=[order.pk, "mark_ready"]))

    order.refresh_from_db()
    assert order.state == Order.State.READY_FOR_PICKUP
    assert order.pickup_code_version == 1


def test_a_transition_the_state_does_not_allow_shows_the_error_and_changes_nothing(
    clerk_client, store, drill_stock
):
    order = scenario.order_placed(store)

    response = clerk_client.post(
        reverse("admin:orders_order_transition", args=[order.pk, "mark_ready"]), follow=True
    )

    assert "The order cannot do this in its current state." in response.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.RESERVED
    assert order.transitions.filter(transition="mark_ready").count() == 0


def test_a_transition_by_get_is_refused(clerk_client, store, drill_stock):
    order = scenario.order_placed(store)

    response = clerk_client.get(
        reverse("admin:orders_order_transition", args=[order.pk, "start_picking"])
    )

    assert response.status_code == 405
    order.refresh_from_db()
    assert order.state == Order.State.RESERVED


def test_an_unknown_transition_answers_404(clerk_client, store, drill_stock):
    order = scenario.order_placed(store)

    response = clerk_client.post(
        reverse("admin:orders_order_transition", args=[order.pk, "hand_over"])
    )

    assert response.status_code == 404


def test_a_wrong_pickup_code_is_refused_with_a_message_and_counted(
    clerk_client, clerk, store, drill_stock
):
    order = _ready(scenario.order_placed(store), clerk)
    wrong = "000000" if order_pickup_code_for_shopper(order=order) != "000000" else "111111"

    response = clerk_client.post(
        reverse("admin:orders_order_hand_over", args=[order.pk]), {"pickup_code": wrong}
    )

    assert response.status_code == 422
    assert "Wrong pickup code. 4 attempts left." in response.content.decode()
    assert response.context["form"]["pickup_code"].value() == ""
    order.refresh_from_db()
    assert order.state == Order.State.READY_FOR_PICKUP
    assert order.pickup_code_failed_attempts == 1


def test_the_right_pickup_code_hands_the_order_over(clerk_client, clerk, store, drill_stock):
    order = _ready(scenario.order_placed(store, quantity=2), clerk)
    code = codes.pickup_code_derive(
        number=order.number, salt=order.pickup_code_salt, version=order.pickup_code_version
    )

    response = clerk_client.post(
        reverse("admin:orders_order_hand_over", args=[order.pk]), {"pickup_code": code}
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    drill_stock.refresh_from_db()
    assert (drill_stock.on_hand, drill_stock.reserved) == (3, 0)


@pytest.mark.parametrize(
    ("given", "error"),
    [("", "Enter the pickup code."), ("12a456", "The pickup code has digits only.")],
)
def test_a_missing_or_malformed_pickup_code_is_refused_and_nothing_is_counted(
    clerk_client, clerk, store, drill_stock, given, error
):
    order = _ready(scenario.order_placed(store), clerk)

    response = clerk_client.post(
        reverse("admin:orders_order_hand_over", args=[order.pk]), {"pickup_code": given}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    order.refresh_from_db()
    assert (order.state, order.pickup_code_failed_attempts) == (Order.State.READY_FOR_PICKUP, 0)


def test_a_clerk_is_not_offered_the_manager_override(clerk_client, clerk, store, drill_stock):
    order = _ready(scenario.order_placed(store), clerk)

    response = clerk_client.post(
        reverse("admin:orders_order_hand_over", args=[order.pk]),
        {"override_reason": "Kundin hat ihr Handy vergessen"},
    )

    assert "override_reason" not in response.context["form"].fields
    assert "Enter the pickup code." in response.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.READY_FOR_PICKUP


def test_a_manager_hands_over_with_an_override_and_its_reason_is_recorded(
    client, manager, store, drill_stock
):
    order = _ready(scenario.order_placed(store), manager)
    client.force_login(manager)

    client.post(
        reverse("admin:orders_order_hand_over", args=[order.pk]),
        {"override_reason": "Ausweis geprüft, Handy vergessen"},
    )

    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    assert order.hand_over_override_reason == "Ausweis geprüft, Handy vergessen"
    assert order.transitions.last().reason == "manager override: Ausweis geprüft, Handy vergessen"


def test_report_shortage_asks_for_each_line_and_cancels_the_missing_units(
    clerk_client, clerk, store, drill_stock
):
    bits = ProductFactory(sku="BITS-32", name="Bit-Set 32-teilig", price="12.50")
    StockLevelFactory(store=store, product=bits, on_hand=20)
    order = scenario.order_placed(
        store, lines=[LineInput(sku="DRILL-18V", quantity=2), LineInput(sku="BITS-32", quantity=1)]
    )
    order_start_picking(order=order, by=clerk)
    drill_line = order.lines.get(product__sku="DRILL-18V")
    bits_line = order.lines.get(product__sku="BITS-32")

    form = clerk_client.get(reverse("admin:orders_order_shortage", args=[order.pk]))
    clerk_client.post(
        reverse("admin:orders_order_shortage", args=[order.pk]),
        {f"missing_{drill_line.pk}": "1", f"missing_{bits_line.pk}": "0"},
    )

    assert set(form.context["form"].fields) == {
        f"missing_{drill_line.pk}",
        f"missing_{bits_line.pk}",
    }
    order.refresh_from_db()
    drill_line.refresh_from_db()
    assert order.state == Order.State.RESERVED
    assert drill_line.quantity_cancelled == 1
    assert StockLevel.objects.get(store=store, product__sku="DRILL-18V").reserved == 1


@pytest.mark.parametrize(
    ("missing", "error"),
    [
        ("0", "Enter the missing units of at least one line."),
        ("2", "Ensure this value is less than or equal to 1."),
        ("-1", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_a_shortage_of_nothing_or_too_much_is_refused_and_nothing_changes(
    clerk_client, clerk, store, drill_stock, missing, error
):
    order = order_start_picking(order=scenario.order_placed(store), by=clerk)
    line = order.lines.get()

    response = clerk_client.post(
        reverse("admin:orders_order_shortage", args=[order.pk]), {f"missing_{line.pk}": missing}
    )

    assert error in response.content.decode()
    order.refresh_from_db()
    assert order.state == Order.State.PICKING
    assert StockLevel.objects.get(store=store, product__sku="DRILL-18V").reserved == 1


def test_cancel_asks_for_a_reason_and_releases_the_stock(clerk_client, store, drill_stock):
    order = scenario.order_placed(store)

    refused = clerk_client.post(
        reverse("admin:orders_order_cancel", args=[order.pk]), {"reason": ""}
    )
    clerk_client.post(
        reverse("admin:orders_order_cancel", args=[order.pk]), {"reason": "Kundin storniert"}
    )

    assert "This field is required." in refused.content.decode()
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == (Order.State.CANCELLED, "Kundin storniert")
    drill_stock.refresh_from_db()
    assert drill_stock.reserved == 0


def _collected_by_card(store, clerk) -> Order:
    order = scenario.order_placed(store, payment_method="card")
    side_effect_perform(SideEffect.objects.get(order=order, kind="payment_authorize").pk)
    order = _ready(order, clerk)
    return order_hand_over(
        order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order)
    )


def test_a_replacement_order_page_says_free_replacement_and_asks_for_no_payment_in_german(
    clerk_client, store, drill_stock
):
    order = scenario.order_placed(store, kind="replacement", channel="hotline")

    page = _page_de(clerk_client, order)

    assert "Kostenloser Ersatz: nichts zu bezahlen." in page
    assert "Keine: kostenloser Ersatz" in page
    assert "In der Filiale bezahlen" not in page
    assert "Bezahlung in der Filiale bei Übergabe" not in page
    assert "0,00\xa0€" in page or "0,00 €" in page


def test_a_replacement_order_page_says_free_replacement_in_english(
    clerk_client, store, drill_stock
):
    order = scenario.order_placed(store, kind="replacement", channel="hotline")

    page = html.unescape(_page(clerk_client, order).content.decode())

    assert "Free replacement: nothing to pay." in page
    assert "Paid in store at hand-over" not in page


def test_the_order_page_shows_money_with_its_currency(clerk_client, store, drill_stock):
    order = scenario.order_placed(store, quantity=2)

    page = _page_de(clerk_client, order)

    assert "Bezahlung in der Filiale bei Übergabe · 179,80 €" in page
    assert "89,90 €" in page  # the line's unit price


def test_right_after_the_hand_over_the_order_page_says_the_capture_is_in_progress(
    clerk_client, clerk, store, drill_stock
):
    order = _collected_by_card(store, clerk)

    page = html.unescape(_page(clerk_client, order).content.decode())

    assert "Capture in progress · €89.90" in page
    assert "Authorized" not in page


def test_once_the_worker_captured_the_order_page_says_captured(
    clerk_client, clerk, store, drill_stock
):
    order = _collected_by_card(store, clerk)
    side_effect_perform(SideEffect.objects.get(order=order, kind="payment_capture").pk)

    page = html.unescape(_page(clerk_client, order).content.decode())

    assert "Captured · €89.90" in page
    assert "Capture in progress" not in page


def test_every_payment_state_has_a_console_label():
    assert set(PAYMENT_STATES) == set(STATES)
