"""Under the Content-Security-Policy the shop's and the console's pages report no violation, and
their scripts still work: the checkout shows the account fields for direct debit, the product
page offers the location button, the shift page's queues refresh themselves (htmx)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from tests.console import scenario
from tests.shop import data

pytestmark = pytest.mark.django_db(transaction=True)

# Collects what the browser reports, from before any page script runs.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watched(page) -> list[str]:
    """Console messages and page errors about the policy, and the violation events, as they come."""
    reports: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            reports.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(f"page error: {error}"))
    return reports


def violations(page, reports: list[str]) -> list[str]:
    return reports + page.evaluate("window.__cspViolations || []")


def test_the_shoppers_pages_keep_the_policy_and_their_scripts_work(new_page, screenshot):
    passau = data.passau_store()
    data.drill_stocked(
        passau=passau, regensburg=data.regensburg_store(), drill=data.drill_product()
    )
    page = new_page(locale="en-US", mobile=True)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 48.57, "longitude": 13.43})
    reports = watched(page)

    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Search products").fill("Bohrschrauber")
    page.get_by_role("button", name="Search").click()
    assert violations(page, reports) == []

    page.locator(".result a").first.click()
    locate = page.get_by_role("button", name="Use my current location")
    expect(locate).to_be_visible()
    locate.click()
    page.wait_for_url(re.compile(r"lat=48\.57000"))
    expect(page.locator("li.store .distance").first).to_be_visible()
    assert violations(page, reports) == []

    page.locator("li.store").first.get_by_role("link", name="Collect here").click()
    sepa = page.locator("#sepa-fields")
    page.get_by_text("Pay in store at pickup").click()
    expect(sepa).to_be_hidden()
    page.get_by_text("Direct debit: debited from your account only after you collect").click()
    expect(sepa).to_be_visible()
    page.get_by_text("Pay in store at pickup").click()
    expect(sepa).to_be_hidden()
    page.get_by_label("Your name").fill("Anna Huber")
    page.get_by_label("E-mail address").fill("anna@example.com")
    screenshot(page, "csp-checkout")
    assert violations(page, reports) == []

    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/orders/[A-Z0-9]+/\?token=[0-9a-f]{40}$"))
    assert page.locator("h1").inner_text() == "Your items are reserved for you."
    assert violations(page, reports) == []


def test_the_shift_page_keeps_the_policy_and_its_queues_refresh(new_page, screenshot, settings):
    settings.CONSOLE_QUEUE_REFRESH_SECONDS = 1
    store = scenario.store_create()
    scenario.drill_stocked(store, on_hand=30)
    scenario.staff_create(store, "clerk.pas-01")
    scenario.order_fact(store, Order.State.RESERVED, units=1, ready_at=timezone.now())
    page = new_page(width=1280)
    reports = watched(page)

    page.goto("/admin/login/")
    page.fill("input[name=username]", "clerk.pas-01")
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    before = int(page.locator("#count-to_pick .cc-count").inner_text())
    newer = scenario.order_fact(store, Order.State.RESERVED)

    expect(page.locator("#count-to_pick .cc-count")).to_have_text(str(before + 1), timeout=10_000)
    expect(page.locator("#queue-to_pick").get_by_text(newer.number)).to_be_visible()
    # The console's own styles (a nonce'd style element) apply: the cards have their top border.
    assert (
        page.locator(".cc-card").first.evaluate("card => getComputedStyle(card).borderTopWidth")
        == "6px"
    )
    screenshot(page, "csp-shift")
    assert violations(page, reports) == []
