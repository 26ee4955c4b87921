"""The checkout's newsletter box: unticked by default, and ticked it starts the double opt-in."""

import pytest

from messaging.models import Notification
from newsletter.models import Subscription
from orders.models import Order

pytestmark = pytest.mark.django_db

CHECKOUT = "/products/AKKU-BS-18V/checkout/"
VALID = {
    "name": "Anna Huber",
    "email": "anna@example.com",
    "store": "PAS-01",
    "quantity": "1",
    "payment_method": "pay_in_store",
}


def test_the_newsletter_box_is_unticked_on_the_checkout_page(client, stocked):
    page = client.get(CHECKOUT).content.decode()

    box = next(line for line in page.splitlines() if 'name="newsletter"' in line)
    assert 'type="checkbox"' in box
    assert "checked" not in box


def test_an_order_without_the_box_ticked_asks_for_no_consent(client, stocked):
    client.post(CHECKOUT, VALID)

    assert Order.objects.count() == 1
    assert Subscription.objects.count() == 0
    assert not Notification.objects.filter(template="newsletter_confirm").exists()


def test_an_order_with_the_box_ticked_sends_the_confirmation_and_grants_nothing_yet(
    client, stocked
):
    client.post(CHECKOUT, {**VALID, "newsletter": "on"}, REMOTE_ADDR="198.51.100.20")

    subscription = Subscription.objects.get()
    assert Order.objects.count() == 1
    assert (subscription.status, subscription.source) == ("pending", "checkout")
    assert subscription.requested_ip == "198.51.100.20"
    assert subscription.customer.email_promotions_consent is False
    assert Notification.objects.filter(template="newsletter_confirm").count() == 1
