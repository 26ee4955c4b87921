"""Marketing writes a campaign in the console, previews it, sends a test to themselves and sends
it; the channel KPIs show the result. At 1280 and 768 px. Screenshots: campaign-editor-1280,
campaign-editor-768, campaign-sending-768, channel-kpis-1280, channel-kpis-768."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Campaign, CampaignClick, CampaignMessage
from stores.roles import MARKETING_GROUP
from tests.inventory.factories import ProductFactory
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory, OrderFactory
from tests.stores.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _marketing():
    user = UserFactory(username="marketing", email="marketing@example.com", is_staff=True)
    user.set_password("demo")
    user.save()
    user.groups.add(Group.objects.get_or_create(name=MARKETING_GROUP)[0])
    return user


def _log_in(page) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", "marketing")
    page.fill("input[name=password]", "demo")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize("width", [1280, 768])
def test_marketing_writes_a_campaign_sends_a_test_and_sends_it(new_page, screenshot, width):
    _marketing()
    ProductFactory(sku="AKKU-BS-18V", name="Akku-Bohrschrauber 18V", price=Decimal("89.90"))
    for _ in range(3):
        CustomerFactory(email_promotions_consent=True)
    page = new_page(width=width)

    _log_in(page)
    page.get_by_role("link", name="Newsletter campaigns").click()
    page.get_by_role("link", name="Add campaign").click()
    page.get_by_label("Name:").fill("Werkzeugwochen")
    page.get_by_label("Code:").fill("werkzeugwochen")
    page.get_by_label("Subject (German):").fill("Werkzeugwochen: Akku-Bohrschrauber")
    page.get_by_label("Text (German, Markdown):").fill(
        "# Werkzeugwochen\n\nNur diese Woche: **Akku-Bohrschrauber**.\n\n"
        "[Ansehen](/products/AKKU-BS-18V/)"
    )
    page.locator("select#id_products_from option").first.dblclick()
    page.locator("input[name=_continue]").click()

    expect(page.locator("#campaign-actions")).to_contain_text("Draft")
    expect(page.locator("#campaign-actions")).to_contain_text("3 customers in the segment now")
    screenshot(page, f"campaign-editor-{width}")
    assert _fits(page)

    page.get_by_role("button", name="Send test to me").click()
    expect(page.locator(".messagelist")).to_contain_text("marketing@example.com")
    page.get_by_role("button", name="Send now").click()
    expect(page.locator(".messagelist")).to_contain_text("Sending has started")
    expect(page.locator("#campaign-progress [role=progressbar]")).to_be_visible()
    screenshot(page, f"campaign-sending-{width}")
    assert _fits(page)

    campaign = Campaign.objects.get(code="werkzeugwochen")
    assert campaign.state == "scheduled"
    assert [p.sku for p in campaign.products.all()] == ["AKKU-BS-18V"]
    assert CampaignMessage.objects.filter(test_address="marketing@example.com").count() == 1


@pytest.mark.parametrize("width", [1280, 768])
def test_the_channel_kpis_page_reads_at_tablet_and_desktop_width(new_page, screenshot, width):
    _marketing()
    passau = StoreFactory(code="PAS-01", name="Baumarkt Passau")
    campaign = CampaignFactory(name="Werkzeugwochen", code="werkzeugwochen", state="sent")
    now = timezone.now()
    for day in range(10):
        at = now - datetime.timedelta(days=day)
        customer = CustomerFactory()
        CampaignMessage.objects.create(
            campaign=campaign, customer=customer, channel="email", status="sent",
            idempotency_key=f"k{day}", next_attempt_at=at, sent_at=at,
        )  # fmt: skip
        if day % 2 == 0:
            CampaignClick.objects.create(campaign=campaign, customer=customer, at=at)
            OrderFactory(customer=customer, pickup_store=passau, campaign="werkzeugwochen",
                         placed_at=at, state="collected", total=Decimal("89.90"))  # fmt: skip
        for channel in ("web", "web", "app", "hotline")[: 1 + day % 4]:
            OrderFactory(pickup_store=passau, channel=channel, placed_at=at)
    page = new_page(width=width)

    _log_in(page)
    page.get_by_role("link", name="Channels and campaigns").click()
    page.locator("select[name=days]").select_option("30")
    page.get_by_role("button", name="Show").click()

    expect(page.locator("#chart-channels svg")).to_be_visible()
    expect(page.locator("#chart-campaigns svg")).to_be_visible()
    row = page.locator("tr[data-campaign=werkzeugwochen]")
    expect(row.locator("[data-kpi=sent]")).to_have_text("10")
    expect(row.locator("[data-kpi=ordered]")).to_have_text("5")
    screenshot(page, f"channel-kpis-{width}")
    assert _fits(page)
