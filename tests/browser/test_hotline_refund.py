"""The hotline and the counter at 1280 and 768 px, in a real browser: a search that tells two
Erika Müllers apart ("Mueller"), an exchange form whose mistakes show in one round, the case
page's carrier booking id and tracking link, a refund return, a return handed in at the counter,
and the same hotline in German. Screenshots under var/screenshots/hotline-*.png."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from inventory.services import stock_receive
from returns.models import CourierBooking, ReturnCase
from returns.services import courier_booking_book
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.browser.layout import assert_fits
from tests.hotline.scenario import order_collect, store_open_all_day
from tests.inventory.factories import ProductFactory
from tests.stores.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = [1280, 768]


def _two_erika_muellers():
    """Two customers named Erika Müller: one collected at Passau, one later at Regensburg."""
    passau = store_open_all_day(code="PAS-01", name="Passau Mitte", city="Passau")
    regensburg = store_open_all_day(
        code="REG-01", name="Regensburg Süd", city="Regensburg", latitude=49.0134, longitude=12.1016
    )
    drill = ProductFactory(sku="DRILL-18V", name="Akku-Bohrschrauber 18V", price="89.90")
    for store in (passau, regensburg):
        stock_receive(store_id=store.pk, product_id=drill.pk, quantity=5, reason="delivery")
    clerk = StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user
    regensburg_clerk = StaffMembershipFactory(store=regensburg).user
    passau_order = order_collect(
        store=passau, products=[drill], clerk=clerk, email="erika.passau@example.com"
    )
    regensburg_order = order_collect(
        store=regensburg,
        products=[drill],
        clerk=regensburg_clerk,
        email="erika.regensburg@example.com",
    )
    agent = UserFactory(username="agent")
    agent.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    return passau_order, regensburg_order


def _log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.mark.parametrize("width", WIDTHS)
def test_mueller_finds_both_namesakes_told_apart_and_a_refund_return_is_opened(
    new_page, screenshot, width
):
    passau_order, regensburg_order = _two_erika_muellers()
    page = new_page(width=width)
    _log_in(page, "agent")

    page.goto("/admin/hotline/?q=Mueller")

    rows = page.locator("#search-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Regensburg")).to_contain_text(regensburg_order.number)
    expect(rows.filter(has_text="Passau")).to_contain_text(passau_order.number)
    expect(rows.first).to_contain_text("+4985112345")
    assert_fits(page, "#search-results")
    screenshot(page, f"hotline-search-{width}")

    rows.filter(has_text="Passau").get_by_role("link").click()
    page.get_by_role("link", name="Refund return").click()
    expect(page.locator("h1")).to_have_text("Start a refund return")
    expect(page.get_by_label("Akku-Bohrschrauber 18V")).to_have_value("1")
    page.get_by_label("Not wanted").check()
    page.get_by_label("The customer brings it to the store").check()
    expect(page.locator("#step-courier")).to_be_hidden()
    assert_fits(page, "#refund-form")
    screenshot(page, f"hotline-refund-form-{width}")
    page.get_by_role("button", name="Open refund return").click()

    expect(page).to_have_url(re.compile(r"/admin/hotline/cases/RMA-[A-Z0-9]+/$"))
    case = ReturnCase.objects.get()
    assert (case.resolution, case.state, case.order_id) == ("refund", "opened", passau_order.pk)
    expect(page.locator("#case-facts")).to_contain_text("Refund")
    expect(page.locator("#hand-in")).to_have_text(
        "The customer brings it to Passau Mitte (PAS-01), Bahnhofstraße 1, 94032 Passau."
    )
    expect(page.locator("#refund-amount")).to_have_text("€89.90")
    expect(page.locator("#replacement")).to_have_count(0)
    assert_fits(page, "#content-main")
    screenshot(page, f"hotline-refund-case-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_exchange_form_shows_every_mistake_at_once_and_the_case_links_the_tracking(
    new_page, screenshot, width
):
    passau_order, _ = _two_erika_muellers()
    page = new_page(width=width)
    _log_in(page, "agent")
    page.goto(f"/admin/hotline/orders/{passau_order.number}/exchange/")
    expect(page.get_by_label("Akku-Bohrschrauber 18V")).to_have_value("1")

    page.get_by_label("Defective").check()
    page.get_by_label("Street and number").fill("Innstraße 12")
    page.get_by_label("Postcode").fill("ABCDE")
    page.get_by_label("City").fill("Passau")
    page.get_by_label("From").fill("14:00")
    page.get_by_label("Until").fill("12:00")
    page.get_by_role("button", name="Open exchange and book courier").click()

    expect(page.locator(".errornote")).to_contain_text("Please correct the marked fields.")
    expect(page.get_by_text("Not a postcode of this country")).to_be_visible()
    expect(page.get_by_text("The window must end after it starts.")).to_be_visible()
    assert CourierBooking.objects.count() == 0
    assert_fits(page, "#exchange-form")
    screenshot(page, f"hotline-exchange-errors-{width}")

    page.get_by_label("Postcode").fill("94032")
    page.get_by_label("From").fill("08:00")
    page.get_by_role("button", name="Open exchange and book courier").click()
    expect(page).to_have_url(re.compile(r"/admin/hotline/cases/RMA-[A-Z0-9]+/$"))
    booking = CourierBooking.objects.get()
    courier_booking_book(booking_id=booking.pk)
    booking.refresh_from_db()
    page.reload()

    expect(page.locator("#carrier-booking-id")).to_have_text(booking.provider_booking_id)
    link = page.locator("#tracking-link")
    expect(link).to_have_attribute("href", re.compile(re.escape(booking.provider_booking_id)))
    assert_fits(page, "#courier")
    screenshot(page, f"hotline-case-tracking-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_counter_hands_in_a_return_received_at_once(new_page, screenshot, width):
    passau_order, _ = _two_erika_muellers()
    page = new_page(width=width)
    _log_in(page, "clerk.pas-01")
    page.goto(f"/admin/orders/order/{passau_order.pk}/change/")

    page.get_by_role("link", name="Hand in a return").click()
    expect(page.locator("h1")).to_contain_text("Hand in a return")
    assert_fits(page, "#content-main")
    screenshot(page, f"counter-hand-in-{width}")
    page.get_by_label("Why is it coming back?").select_option("not_wanted")
    page.get_by_role("button", name="Receive the return").click()

    expect(page.locator(".messagelist")).to_contain_text("received; the refund is on its way")
    case = ReturnCase.objects.get()
    assert (case.state, case.opened_by) == ("closed", "store")
    screenshot(page, f"counter-hand-in-done-{width}")


def test_a_german_agent_reads_the_search_and_the_refund_return_in_german(new_page, screenshot):
    passau_order, _ = _two_erika_muellers()
    page = new_page(locale="de-DE", width=1280)
    _log_in(page, "agent")

    page.goto("/admin/hotline/?q=Muller")
    results = page.locator("#search-results")
    expect(results.locator("thead")).to_contain_text("Letzte Bestellung")
    expect(results.locator("thead")).to_contain_text("Ort")
    page.goto(f"/admin/hotline/orders/{passau_order.number}/refund/")

    expect(page.locator("h1")).to_have_text("Rückgabe mit Erstattung anlegen")
    expect(page.locator("#step-how")).to_contain_text("Wie kommt der Artikel zurück?")
    expect(page.locator("#step-how")).to_contain_text("Ein Kurier holt ihn ab")
    expect(page.get_by_label("Land")).to_have_value("DE")
    expect(page.get_by_role("button", name="Rückgabe anlegen")).to_be_visible()
    screenshot(page, "hotline-refund-form-de")
