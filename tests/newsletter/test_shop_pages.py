"""The shopper's side of consent: the footer form, the checkout's unticked box, the confirmation
link and the one-click unsubscribe page, including the RFC 8058 POST of a mail client."""

import pytest
from django.core import mail
from django.test import Client

from customers.models import Customer
from messaging.models import Notification
from messaging.services import notification_deliver
from newsletter.models import CampaignClick, ConsentEvent, Subscription
from newsletter.tokens import click_token, confirm_token, unsubscribe_token
from tests.inventory.factories import ProductFactory
from tests.newsletter.conftest import link_in
from tests.newsletter.factories import CampaignFactory, SubscriptionFactory
from tests.orders.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_every_shop_page_carries_the_subscription_form_with_its_wording(client):
    page = client.get("/")

    html = page.content.decode()
    assert 'action="/newsletter/"' in html
    assert 'name="wording_version" value="2026-12"' in html


def test_the_footer_form_asks_for_confirmation_and_the_link_confirms(client):
    response = client.post(
        "/newsletter/", {"email": "mueller@example.com", "wording_version": "2026-12"}
    )
    notification_deliver(Notification.objects.get(template="newsletter_confirm").pk)
    confirm = client.get(link_in(mail.outbox[0], "/newsletter/confirm/"))

    subscription = Subscription.objects.get()
    assert response.status_code == 200
    assert b'data-outcome="check_inbox"' in response.content
    assert b'data-outcome="confirmed"' in confirm.content
    assert (subscription.status, subscription.source) == ("subscribed", "footer")
    assert Customer.objects.get().email_promotions_consent is True


def test_the_footer_form_refuses_an_invalid_address_and_writes_nothing(client):
    response = client.post("/newsletter/", {"email": "nope", "wording_version": "2026-12"})

    assert response.status_code == 400
    assert Subscription.objects.count() == 0


def test_a_forged_confirmation_link_shows_a_clear_page_not_an_error(client):
    subscription = SubscriptionFactory(status="pending", confirmed_at=None)
    token = confirm_token(subscription_id=subscription.pk, requested_at=subscription.requested_at)

    response = client.get(f"/newsletter/confirm/{token[:-3]}abc/")

    assert response.status_code == 400
    assert b'data-outcome="refused"' in response.content
    subscription.refresh_from_db()
    assert subscription.status == "pending"


def test_opening_the_unsubscribe_link_asks_and_unsubscribes_nobody(client):
    subscription = SubscriptionFactory()
    token = unsubscribe_token(customer_id=subscription.customer_id, channel="email")

    response = client.get(f"/newsletter/unsubscribe/{token}/")

    assert b'data-outcome="unsubscribe_ask"' in response.content
    subscription.refresh_from_db()
    assert subscription.status == "subscribed"


def test_the_mail_clients_one_click_post_unsubscribes_at_once_without_a_csrf_token():
    subscription = SubscriptionFactory()
    token = unsubscribe_token(customer_id=subscription.customer_id, channel="email")
    strict = Client(enforce_csrf_checks=True)

    first = strict.post(f"/newsletter/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    second = strict.post(f"/newsletter/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})

    assert (first.status_code, second.status_code) == (200, 200)
    assert b'data-outcome="unsubscribed"' in first.content
    assert b'data-outcome="already_unsubscribed"' in second.content
    assert Customer.objects.get().email_promotions_consent is False
    assert ConsentEvent.objects.filter(action="unsubscribed").count() == 1


def test_a_forged_unsubscribe_link_shows_a_clear_page(client):
    response = client.post("/newsletter/unsubscribe/forged-token/")

    assert response.status_code == 400
    assert b'data-outcome="refused"' in response.content


def _click_path(campaign, customer, target="p:DRILL") -> str:
    token = click_token(campaign_id=campaign.pk, customer_id=customer.pk, target=target)
    return f"/newsletter/c/{token}/"


def test_a_tracked_link_records_the_click_and_lands_on_the_product_with_the_campaign(client):
    drill = ProductFactory(sku="DRILL")
    campaign = CampaignFactory(code="werkzeugwochen", featured=[drill])
    customer = CustomerFactory()

    response = client.get(_click_path(campaign, customer))

    assert response.status_code == 302
    assert response["Location"] == "/products/DRILL/?campaign=werkzeugwochen"
    click = CampaignClick.objects.get()
    assert (click.campaign, click.customer, click.product) == (campaign, customer, drill)


def test_the_campaign_from_the_click_reaches_the_checkout_link(client):
    ProductFactory(sku="DRILL")
    campaign = CampaignFactory(code="werkzeugwochen")

    landing = client.get(_click_path(campaign, CustomerFactory()), follow=True)

    assert landing.status_code == 200
    assert "campaign=werkzeugwochen" in landing.content.decode()


def _tampered(path: str) -> str:
    return path[:-4] + ("A" if path[-4] != "A" else "B") + path[-3:]


@pytest.mark.parametrize(
    "kind", ["tampered", "garbage", "unknown campaign", "unknown customer", "unknown product"]
)
def test_a_forged_or_unknown_tracked_link_lands_on_the_home_page_and_records_nothing(client, kind):
    ProductFactory(sku="DRILL")
    campaign, customer = CampaignFactory(), CustomerFactory()
    path = {
        "tampered": lambda: _tampered(_click_path(campaign, customer)),
        "garbage": lambda: "/newsletter/c/%00%ff..::/",
        "unknown campaign": lambda: _click_path(CampaignFactory.build(pk=999999), customer),
        "unknown customer": lambda: _click_path(campaign, CustomerFactory.build(pk=999999)),
        "unknown product": lambda: _click_path(campaign, customer, target="p:NOPE"),
    }[kind]()

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert CampaignClick.objects.count() == 0
