"""The demo's newsletter: Werkzeugwochen featuring the drill, sent to the demo customers who
consented, with the clicks that came before the orders carrying it; and a marketing user."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from customers.selectors import customer_timeline
from newsletter.models import Campaign, CampaignClick, CampaignMessage, Subscription
from orders.models import Order
from stores.roles import user_is_marketing

pytestmark = pytest.mark.django_db


def test_the_demo_has_werkzeugwochen_sent_with_clicks_before_the_orders():
    call_command("seed_demo")

    campaign = Campaign.objects.get(code="werkzeugwochen")
    sent = CampaignMessage.objects.filter(campaign=campaign, status="sent")
    subscribed = Subscription.objects.filter(status="subscribed").count()
    assert campaign.state == "sent"
    assert "AKKU-BS-18V" in [product.sku for product in campaign.products.all()]
    assert sent.count() == subscribed > 0
    clicks = list(CampaignClick.objects.filter(campaign=campaign).select_related("customer"))
    assert clicks
    for click in clicks:
        order = Order.objects.filter(customer=click.customer, campaign="werkzeugwochen").first()
        assert click.at < order.placed_at
        kinds = [entry.kind for entry in customer_timeline(customer=click.customer)]
        assert kinds.index("newsletter_click") < kinds.index("order_placed")


def test_seeding_twice_sends_the_demo_campaign_once():
    call_command("seed_demo")
    messages = CampaignMessage.objects.count()

    call_command("seed_demo")

    assert Campaign.objects.filter(code="werkzeugwochen").count() == 1
    assert CampaignMessage.objects.count() == messages


def test_the_demo_has_a_marketing_user():
    call_command("seed_demo")

    assert user_is_marketing(get_user_model().objects.get(username="marketing"))
