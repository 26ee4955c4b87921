"""Every main console page is usable on a tablet held upright (768 px) and on a desktop (1280 px):
no element runs off the side and nothing scrolls sideways; the shift page refreshes its queues
by itself without losing what is typed. Screenshots: layout-<page>-<width>."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inventory.services import stock_receive
from orders.models import Order
from tests.browser.layout import assert_fits
from tests.console import scenario
from tests.hotline.scenario import exchange_of, order_collect
from tests.inventory.factories import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.fixture
def shift():
    """A store in the middle of a day: orders in every state, a day's stock movements, a
    collected order with an exchange."""
    store = scenario.store_create()
    scenario.drill_stocked(store, on_hand=30)
    clerk = scenario.staff_create(store, "clerk.pas-01")
    scenario.agent_create()
    bits = ProductFactory(sku="BITS-32-TEILIG", name="Bit-Set 32-teilig Titan", price="19.90")
    stock_receive(store_id=store.pk, product_id=bits.pk, quantity=12, reference="LS-2026-4711")
    for state in (Order.State.RESERVED, Order.State.PICKING, Order.State.READY_FOR_PICKUP):
        scenario.order_fact(store, state, units=2, ready_at=timezone.now())
    order = scenario.order_placed(store, quantity=2)
    collected = order_collect(store=store, products=[bits], clerk=clerk)
    case = exchange_of(collected, by=clerk, sku="BITS-32-TEILIG").case
    return {"store": store, "order": order, "case": case}


PAGES = [
    ("start", "/admin/", ["#cc-scan", ".cc-card", "#queue-to_pick table"]),
    ("orders", "/admin/orders/order/", ["#result_list", "#result_list th", "#result_list td"]),
    ("order", "/admin/orders/order/{order}/change/", ["#order-actions", ".inline-group"]),
    (
        "stock-journal",
        "/admin/inventory/stockmovement/",
        ["#result_list", "#result_list th", "#result_list td"],
    ),
    ("stock", "/admin/inventory/stocklevel/", ["#result_list", "#result_list td"]),
    ("transfers", "/admin/inventory/transfer/", ["#content-main"]),
]


@pytest.mark.parametrize("width", [768, 1280])
def test_the_clerks_pages_fit_the_screen(new_page, screenshot, shift, width):
    page = new_page(width=width)
    _log_in(page, "clerk.pas-01")

    for name, path, selectors in PAGES:
        page.goto(path.format(order=shift["order"].pk))
        screenshot(page, f"layout-{name}-{width}")
        assert_fits(page, "#content", *selectors)


@pytest.mark.parametrize("width", [768, 1280])
def test_the_hotline_case_fits_the_screen(new_page, screenshot, shift, width):
    page = new_page(width=width)
    _log_in(page, "agent")

    page.goto(f"/admin/hotline/cases/{shift['case'].number}/")
    screenshot(page, f"layout-hotline-case-{width}")

    assert_fits(page, "#content", "#content-main", "table")


def test_the_queues_refresh_and_keep_what_is_being_typed(new_page, shift, settings):
    settings.CONSOLE_QUEUE_REFRESH_SECONDS = 1
    page = new_page(width=768)
    _log_in(page, "clerk.pas-01")
    before = int(page.locator("#count-to_pick .cc-count").inner_text())
    page.locator("#cc-scan-input").type("CC ")

    newer = scenario.order_fact(shift["store"], Order.State.RESERVED)

    expect(page.locator("#count-to_pick .cc-count")).to_have_text(str(before + 1), timeout=10_000)
    expect(page.locator("#queue-to_pick").get_by_text(newer.number)).to_be_visible()
    expect(page.locator("#cc-scan-input")).to_have_value("CC ")
    expect(page.locator("#cc-scan-input")).to_be_focused()
