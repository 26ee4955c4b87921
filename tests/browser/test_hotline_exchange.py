"""A hotline agent finds Frau Müller by phone, reads her journey, starts an exchange for her
broken drill and lands on the case page, in a real browser. Screenshots: hotline-timeline,
hotline-exchange-form, hotline-case."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from customers.services import CustomerInput
from inventory.services import stock_receive
from orders.services import LineInput, order_cancel, order_place
from returns.models import ReturnCase
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.hotline.scenario import order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory
from tests.stores.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _frau_mueller_with_a_collected_drill():
    """Her newsletter order collected at Passau, and an earlier app order she cancelled."""
    passau = store_open_all_day(code="PAS-01", name="Passau Mitte", street="Ludwigstraße 8")
    regensburg = store_open_all_day(
        code="REG-01",
        name="Regensburg Süd",
        street="Friedenstraße 20",
        postcode="93053",
        city="Regensburg",
        latitude=49.0134,
        longitude=12.1016,
    )
    drill = ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")
    bits = ProductFactory(sku="BITS-32", name="Bit-Set 32-teilig", price="19.90")
    for store, units in ((passau, 5), (regensburg, 3)):
        stock_receive(store_id=store.pk, product_id=drill.pk, quantity=units, reason="delivery")
        stock_receive(store_id=store.pk, product_id=bits.pk, quantity=units, reason="delivery")
    clerk = StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user
    earlier = order_place(
        customer=CustomerInput(email="erika.mueller@example.com", name="Erika Müller"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="BITS-32", quantity=1)],
        payment_method="pay_in_store",
        channel="app",
    ).order
    order_cancel(order=earlier, by=None, reason="Ordered by mistake")
    return order_collect(store=passau, products=[drill], clerk=clerk)


def _log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_an_agent_finds_the_customer_by_phone_and_starts_an_exchange(new_page, screenshot):
    order = _frau_mueller_with_a_collected_drill()
    agent = UserFactory(username="agent")
    agent.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    page = new_page()

    _log_in(page, "agent")
    page.goto("/admin/hotline/")
    page.get_by_role("searchbox", name="Search").fill("0851 12345")
    page.get_by_role("button", name="Find customer").click()

    expect(page.locator("h1")).to_have_text("Erika Müller")
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text(f"Order {order.number} collected at Passau Mitte")).to_be_visible()
    expect(timeline.get_by_text("from the campaign “newsletter-2026-11”")).to_be_visible()
    expect(timeline.locator(".hotline-channel-app").first).to_be_visible()
    screenshot(page, "hotline-timeline")

    page.get_by_role("link", name="Start exchange").click()
    expect(page.locator("h1")).to_have_text("Start an exchange")
    page.get_by_label("Akku-Bohrschrauber 18V").fill("1")
    expect(page.get_by_text("Shown for one of each item")).to_have_count(0)
    expect(page.locator("label.hotline-store[data-store=REG-01]")).to_contain_text(
        "In stock: 3 available"
    )
    expect(page.locator("input[name=replacement_store][value=PAS-01]")).to_be_checked()
    page.get_by_label("Defective").check()
    page.get_by_label("Street and number").fill("Innstraße 12")
    page.get_by_label("Postcode").fill("94032")
    page.get_by_label("City").fill("Passau")
    screenshot(page, "hotline-exchange-form")

    page.get_by_role("button", name="Open exchange and book courier").click()

    expect(page).to_have_url(re.compile(r"/admin/hotline/cases/RMA-[A-Z0-9]+/$"))
    case = ReturnCase.objects.get()
    expect(page.locator("#case-number")).to_have_text(case.number)
    expect(page.locator("#replacement")).to_contain_text(case.replacement_order.number)
    expect(page.locator("#courier")).to_contain_text("08:00–12:00")
    screenshot(page, "hotline-case")


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_a_long_journey_opens_on_its_newest_touchpoints_and_the_agent_can_read_it_whole(
    new_page, screenshot, monkeypatch, width
):
    order = _frau_mueller_with_a_collected_drill()
    agent = UserFactory(username="agent")
    agent.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    monkeypatch.setattr("console.hotline.views.TIMELINE_SHOWN", 5)
    page = new_page(width=width)

    _log_in(page, "agent")
    page.goto(f"/admin/hotline/customers/{order.customer_id}/")

    timeline = page.locator("#timeline")
    expect(timeline.locator("ol > li")).to_have_count(5)
    expect(timeline.get_by_text("The newest 5 touchpoints only.")).to_be_visible()
    screenshot(page, f"hotline-timeline-newest-{width}")
    timeline.get_by_role("link", name="Show the whole journey").click()

    expect(timeline.get_by_text("The whole journey.")).to_be_visible()
    assert timeline.locator("ol > li").count() > 5
    timeline.get_by_role("link", name="show oldest first").click()
    expect(timeline.locator("ol > li").first).to_contain_text("placed (App)")
    expect(timeline.get_by_text("The whole journey.")).to_be_visible()
    screenshot(page, f"hotline-timeline-whole-{width}")
