"""Ship-to-store in the console: the sending store's clerk picks and ships, the receiving
store's clerk receives, and the order then goes ready → collected. Screenshots:
transfer-to-send-<width>, transfer-ship-<width>, transfer-incoming-<width>."""

import pytest
from playwright.sync_api import expect

from inventory.models import Transfer
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from tests.browser.layout import assert_fits
from tests.console import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.mark.parametrize("width", [768, 1280])
def test_the_sender_ships_the_receiver_receives_and_the_customer_collects(
    new_page, screenshot, width
):
    passau = scenario.store_create()
    regensburg = scenario.store_create("REG-01", "Regensburg Süd", city="Regensburg")
    scenario.drill_stocked(regensburg, on_hand=4)
    scenario.staff_create(passau, "clerk.pas-01")
    scenario.staff_create(regensburg, "clerk.reg-01")
    order, transfer = scenario.order_waiting_for_transfer(passau, regensburg)
    page = new_page(width=width)

    _log_in(page, "clerk.reg-01")
    expect(page.locator("#count-to_send .cc-count")).to_have_text("1")
    row = page.locator(f"#transfer-{transfer.pk}")
    expect(row).to_contain_text(order.number)
    expect(row).to_contain_text("PAS-01 Passau Mitte")
    assert_fits(page, ".cc-card", "#table-to_send", f"#transfer-{transfer.pk} .button")
    screenshot(page, f"transfer-to-send-{width}")
    row.get_by_role("link", name="Pick and ship…").click()
    page.get_by_role("button", name="Ship").click()
    expect(page.get_by_text("Tick each line once it is picked.")).to_be_visible()
    page.get_by_label("1 × DRILL-18V Akku-Bohrschrauber 18V picked and packed").check()
    assert_fits(page, "#content-main", ".submit-row")
    screenshot(page, f"transfer-ship-{width}")
    page.get_by_role("button", name="Ship").click()
    expect(page.get_by_text(f"Transfer {transfer.number} shipped.")).to_be_visible()
    expect(page.locator("#count-to_send .cc-count")).to_have_text("0")
    assert Transfer.objects.get(pk=transfer.pk).state == "in_transit"

    _log_in(page, "clerk.pas-01")
    expect(page.locator("#count-incoming .cc-count")).to_have_text("1")
    assert_fits(page, ".cc-card", "#table-incoming")
    screenshot(page, f"transfer-incoming-{width}")
    page.locator(f"#transfer-{transfer.pk}").get_by_role("link", name="Receive…").click()
    page.get_by_role("button", name="Received: reserve for the order").click()
    expect(page.get_by_text(f"Transfer {transfer.number} received")).to_be_visible()
    page.locator("#queue-to_pick").get_by_role("link", name=order.number).click()
    page.get_by_role("button", name="Start picking").click()
    page.get_by_role("button", name="Mark ready for pickup").click()
    expect(page.get_by_text("is ready for pickup; the customer has been told")).to_be_visible()
    code = order_pickup_code_for_shopper(order=Order.objects.get(pk=order.pk))
    page.get_by_role("link", name="Hand over…").click()
    page.fill("input[name=pickup_code]", code)
    page.get_by_role("button", name="Hand over").click()

    expect(page.get_by_text(f"Order {order.number} handed over.")).to_be_visible()
    targets = list(Order.objects.get(pk=order.pk).transitions.values_list("target", flat=True))
    assert targets == ["placed", "sourcing", "reserved", "picking", "ready_for_pickup", "collected"]
