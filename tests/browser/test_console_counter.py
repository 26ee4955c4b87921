"""At the counter on a tablet (768 px) and a desktop: the clerk scans the order page's QR code
(a scanner types it into the box), types a spoken code in groups, or mistypes one.
Screenshots: counter-start-<width>, counter-hand-over-<width>."""

import pytest
from playwright.sync_api import expect

from orders.codes import counter_qr_payload
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_mark_ready, order_start_picking
from tests.browser.layout import assert_fits
from tests.console import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.fixture
def counter():
    """A store with a clerk and two orders ready for pickup: (order, code) each."""
    store = scenario.store_create()
    scenario.drill_stocked(store, on_hand=10)
    clerk = scenario.staff_create(store, "clerk.pas-01")
    ready = []
    for _ in range(2):
        order = scenario.order_placed(store)
        order_start_picking(order=order, by=clerk)
        order = order_mark_ready(order=order, by=clerk)
        ready.append((order, order_pickup_code_for_shopper(order=order)))
    return ready


def _state(order) -> tuple[str, int]:
    order = Order.objects.get(pk=order.pk)
    return order.state, order.pickup_code_failed_attempts


@pytest.mark.parametrize("width", [768, 1280])
def test_a_scanned_qr_code_opens_the_hand_over_with_the_code_filled_in(
    new_page, screenshot, counter, width
):
    (order, code), _other = counter
    page = new_page(width=width)
    _log_in(page, "clerk.pas-01")

    expect(page.locator("#cc-scan-input")).to_be_focused()
    assert_fits(page, "#cc-scan", ".cc-card", "#queue-ready table", "#cc-scan-input")
    screenshot(page, f"counter-start-{width}")
    page.keyboard.type(counter_qr_payload(number=order.number, code=code))
    page.keyboard.press("Enter")

    expect(page.locator("input[name=pickup_code]")).to_have_value(code)
    assert_fits(page, "#content-main", "input[name=pickup_code]", ".submit-row")
    screenshot(page, f"counter-hand-over-{width}")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text(f"Order {order.number} handed over.")).to_be_visible()
    assert _state(order) == ("collected", 0)


def test_a_code_typed_in_groups_finds_the_order_and_hands_it_over(new_page, counter):
    _first, (order, code) = counter
    page = new_page(width=768)
    _log_in(page, "clerk.pas-01")

    page.fill("#cc-scan-input", f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Open").click()
    expect(page.locator("input[name=pickup_code]")).to_have_value(code)
    page.fill("input[name=pickup_code]", f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text(f"Order {order.number} handed over.")).to_be_visible()
    assert _state(order) == ("collected", 0)


def test_a_five_digit_code_is_refused_and_the_attempts_stay_as_they_were(new_page, counter):
    (order, code), _other = counter
    page = new_page(width=768)
    _log_in(page, "clerk.pas-01")

    page.fill("#cc-scan-input", code[:5])
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_text("A pickup code has 6 digits; you entered 5.")).to_be_visible()
    page.fill("#cc-scan-input", order.number)
    page.get_by_role("button", name="Open").click()
    page.fill("input[name=pickup_code]", code[:5])
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text("The pickup code has 6 digits; you entered 5.")).to_be_visible()
    assert _state(order) == ("ready_for_pickup", 0)
