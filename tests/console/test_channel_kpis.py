"""The channel KPIs page: per campaign sent, clicked, ordered, collected and revenue; orders per
day by sales channel and by campaign as inline SVG; a store filter; for managers and marketing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.models import CampaignClick, CampaignMessage
from stores.roles import MARKETING_GROUP
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory, OrderFactory
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/channels/"


@pytest.fixture
def marketing_client(client):
    user = UserFactory(username="marketing", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=MARKETING_GROUP)[0])
    client.force_login(user)
    return client


def _campaign_with_results(store, other_store):
    campaign = CampaignFactory(code="werkzeugwochen", state="sent")
    now = timezone.now()
    customers = [CustomerFactory() for _ in range(3)]
    for number, customer in enumerate(customers):
        CampaignMessage.objects.create(
            campaign=campaign, customer=customer, channel="email", status="sent",
            idempotency_key=f"k{number}", next_attempt_at=now, sent_at=now,
        )  # fmt: skip
    CampaignClick.objects.create(campaign=campaign, customer=customers[0], at=now)
    CampaignClick.objects.create(campaign=campaign, customer=customers[0], at=now)
    CampaignClick.objects.create(campaign=campaign, customer=customers[1], at=now)
    OrderFactory(customer=customers[0], pickup_store=store, campaign="werkzeugwochen",
                 state="collected", total=Decimal("89.90"))  # fmt: skip
    OrderFactory(customer=customers[1], pickup_store=other_store, campaign="werkzeugwochen",
                 total=Decimal("12.50"))  # fmt: skip
    OrderFactory(pickup_store=store, channel="hotline")
    return campaign


def _row(content: str, code: str) -> str:
    start = content.index(f'data-campaign="{code}"')
    return content[start : content.index("</tr>", start)]


def test_per_campaign_sent_clicked_ordered_collected_and_revenue(
    marketing_client, store, other_store
):
    _campaign_with_results(store, other_store)

    content = marketing_client.get(URL).content.decode()

    row = _row(content, "werkzeugwochen")
    assert 'data-kpi="sent">3<' in row
    assert 'data-kpi="clicked">2 ' in row
    assert 'data-kpi="ordered">2<' in row
    assert 'data-kpi="collected">1<' in row
    assert 'data-kpi="revenue">89.90 €<' in row


def test_the_store_filter_narrows_the_orders(marketing_client, store, other_store):
    _campaign_with_results(store, other_store)

    content = marketing_client.get(URL, {"store": other_store.code}).content.decode()

    row = _row(content, "werkzeugwochen")
    assert 'data-kpi="ordered">1<' in row
    assert 'data-kpi="collected">0<' in row


def test_orders_per_day_are_drawn_as_inline_svg_without_scripts(
    marketing_client, store, other_store
):
    _campaign_with_results(store, other_store)

    content = marketing_client.get(URL, {"days": "7"}).content.decode()

    channels = content[content.index('id="chart-channels"') : content.index('id="chart-campaigns"')]
    assert "<svg" in channels
    assert "Web shop <strong>2</strong>" in channels
    assert "Hotline <strong>1</strong>" in channels
    campaigns = content[content.index('id="chart-campaigns"') :]
    assert "werkzeugwochen <strong>2</strong>" in campaigns
    assert not re.search(r'<script src="https?://', content)


def test_a_manager_sees_only_their_stores(client, manager, store, other_store):
    _campaign_with_results(store, other_store)
    client.force_login(manager)

    content = client.get(URL).content.decode()
    refused_store = client.get(URL, {"store": other_store.code}).content.decode()

    assert 'data-kpi="ordered">1<' in _row(content, "werkzeugwochen")
    assert other_store.code not in content.split('id="cc-channel-filter"')[1].split("</form>")[0]
    assert 'data-kpi="ordered">1<' in _row(refused_store, "werkzeugwochen")


def test_clerks_and_agents_are_refused(client, clerk, agent):
    for user in (clerk, agent):
        client.force_login(user)
        assert client.get(URL).status_code == 403


@pytest.mark.parametrize("days", ["abc", "-1", "100000", ""])
def test_a_bad_period_falls_back_to_thirty_days(marketing_client, days):
    response = marketing_client.get(URL, {"days": days, "store": "NOPE"})

    assert response.status_code == 200
    assert response.context["days"] == 30


def test_the_page_runs_a_bounded_number_of_queries(marketing_client, store, other_store):
    _campaign_with_results(store, other_store)
    marketing_client.get(URL)
    for number in range(5):
        CampaignFactory(code=f"more-{number}", state="sent")
        OrderFactory(pickup_store=store, campaign=f"more-{number}",
                     placed_at=timezone.now() - datetime.timedelta(days=number))  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        marketing_client.get(URL)

    assert len(queries) <= 16
