"""A clerk works an order through the staff console in a real browser; a clerk of another store
cannot open it; the manager's KPIs render. Screenshots: console-start, console-pick-list,
console-order, console-hand-over, console-kpis."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from stores.models import StaffMembership
from tests.console import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def _a_busy_morning(store) -> None:
    """Orders in every queue, so the start page looks like a real shift."""
    now = timezone.now()
    for minutes in (35, 80):
        scenario.order_fact(store, Order.State.RESERVED, placed_minutes_ago=minutes, units=2)
    scenario.order_fact(store, Order.State.PICKING, placed_minutes_ago=120, picking_started_at=now)
    scenario.order_fact(store, Order.State.READY_FOR_PICKUP, ready_at=now)
    overdue = scenario.order_fact(
        store,
        Order.State.READY_FOR_PICKUP,
        ready_at=now - datetime.timedelta(days=6, hours=20),
        hold_until=now + datetime.timedelta(hours=4),
    )
    scenario.return_case_fact(
        scenario.order_fact(store, Order.State.COLLECTED), state="in_transit", number="RMA7K2Q9"
    )
    overdue.customer.name = "Herr Huber"
    overdue.customer.save()


def test_a_clerk_picks_marks_ready_and_hands_over_with_the_right_code(
    new_page, screenshot, live_server
):
    store = scenario.store_create()
    other_store = scenario.store_create("REG-01", "Regensburg Süd", city="Regensburg")
    scenario.drill_stocked(store)
    scenario.staff_create(store, "clerk.pas-01")
    scenario.staff_create(other_store, "clerk.reg-01")
    foreign = scenario.order_fact(other_store, Order.State.RESERVED)
    _a_busy_morning(store)
    order = scenario.order_placed(store, quantity=2)
    page = new_page()

    _log_in(page, "clerk.pas-01")

    expect(page.locator("#queue-to_pick").get_by_text(order.number)).to_be_visible()
    expect(page.get_by_text(foreign.number)).to_have_count(0)
    expect(page.locator("#count-to_pick .cc-count")).to_have_text("3")
    screenshot(page, "console-start")

    page.get_by_role("link", name="Print pick list").click()
    expect(page.locator(".cc-pick-order")).to_have_count(4)
    screenshot(page, "console-pick-list")
    page.go_back()

    page.locator("#queue-to_pick").get_by_role("link", name=order.number).click()
    expect(page.get_by_role("button", name="Start picking")).to_be_visible()
    screenshot(page, "console-order")

    page.get_by_role("button", name="Start picking").click()
    expect(page.get_by_text(f"Order {order.number}: picking started.")).to_be_visible()
    page.get_by_role("button", name="Mark ready for pickup").click()
    expect(page.get_by_text("is ready for pickup; the customer has been told")).to_be_visible()

    order.refresh_from_db()
    code = order_pickup_code_for_shopper(order=order)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_role("link", name="Hand over…").click()
    page.fill("input[name=pickup_code]", wrong)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("Wrong pickup code. 4 attempts left.")).to_be_visible()
    screenshot(page, "console-hand-over")
    order.refresh_from_db()
    assert order.state == Order.State.READY_FOR_PICKUP

    page.fill("input[name=pickup_code]", code)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text(f"Order {order.number} handed over.")).to_be_visible()
    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    assert code not in page.content()

    other = new_page()
    _log_in(other, "clerk.reg-01")
    response = other.goto(f"/admin/orders/order/{order.pk}/change/")
    assert response.status == 404


def test_a_manager_sees_the_kpis_of_their_store(new_page, screenshot):
    store = scenario.store_create()
    scenario.staff_create(store, "manager.pas-01", StaffMembership.Role.MANAGER)
    now = timezone.now()
    samples = [
        (Order.State.COLLECTED, "web", "newsletter-kw47", 2),
        (Order.State.COLLECTED, "web", "newsletter-kw47", 3),
        (Order.State.COLLECTED, "app", "", 5),
        (Order.State.COLLECTED, "web", "", 1),
        (Order.State.COLLECTED, "hotline", "", 4),
        (Order.State.EXPIRED, "web", "sommer-sale", 2),
        (Order.State.READY_FOR_PICKUP, "web", "", 2),
        (Order.State.RESERVED, "app", "sommer-sale", None),
        (Order.State.CANCELLED, "web", "", None),
    ]
    for days_ago, (state, channel, campaign, hours) in enumerate(samples, start=1):
        order = scenario.order_fact(store, state, channel=channel, campaign=campaign)
        order.placed_at = now - datetime.timedelta(days=days_ago)
        order.ready_at = order.placed_at + datetime.timedelta(hours=hours) if hours else None
        order.save(update_fields=["placed_at", "ready_at"])
    page = new_page()

    _log_in(page, "manager.pas-01")
    page.goto("/admin/kpis/")

    expect(page.locator("#kpi-orders .cc-value")).to_have_text("9")
    expect(page.locator("#kpi-pickup-rate .cc-value")).to_have_text("83 %")
    screenshot(page, "console-kpis")
