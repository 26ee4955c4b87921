"""The newsletter's story with a real worker on Redis and PostgreSQL, read from the mail files:
subscribe → confirm → campaign sent by the worker → tracked link and RFC 8058 headers → the click
lands on the drill → the order carries the campaign → one-click unsubscribe → the next campaign
does not reach her. And a worker killed mid-campaign: the campaign sent again reaches nobody
twice."""

import email
import email.policy
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from config.celery import app
from customers.models import Customer
from customers.selectors import customer_timeline
from newsletter.models import Campaign, CampaignClick, CampaignMessage
from newsletter.services import campaign_schedule
from orders.models import Order
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory
from tests.support.services import wait_until
from tests.support.slow_edges import edge_calls, edge_deliveries

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FILE_MAIL = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
SLOW_MAIL = {"EMAIL_BACKEND": "tests.support.slow_edges.SlowEmailBackend"}
QUICK_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "OUTBOX_CLAIM_LEASE_SECONDS": "2",
}


def mails(folder: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def mail_to(folder: Path, address: str, subject_part: str):
    for message in mails(folder):
        if message["To"] == address and subject_part in message["Subject"]:
            return message
    return None


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_the_newsletter_story_from_subscription_to_unsubscribe(
    stocked, drill, worker_factory, tmp_path
):
    worker_factory(EMAIL_FILE_PATH=str(tmp_path), **FILE_MAIL)
    address = "frau.mueller@example.com"

    subscribed = APIClient().post(
        "/api/v1/newsletter/subscriptions/", {"email": address}, format="json"
    )
    confirmation = wait_until(lambda: mail_to(tmp_path, address, "Newsletter"), timeout=30)
    confirm_url = re.search(r"https?://\S+/newsletter/confirm/\S+/", text_of(confirmation))[0]
    token = path_of(confirm_url).rstrip("/").rsplit("/", 1)[1]
    confirmed = APIClient().post("/api/v1/newsletter/confirm/", {"token": token}, format="json")

    assert subscribed.status_code == 202
    assert confirmed.json()["status"] == "subscribed"

    campaign = CampaignFactory(code="werkzeugwochen", featured=[drill])
    campaign_schedule(campaign_id=campaign.pk)
    newsletter = wait_until(lambda: mail_to(tmp_path, address, "Werkzeugwochen"), timeout=30)

    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = re.search(r"<([^>]+)>", str(newsletter["List-Unsubscribe"]))[1]
    tracked = re.search(r"https?://\S+/newsletter/c/\S+/", text_of(newsletter))[0]

    shopper = Client()
    landing = shopper.get(path_of(tracked))

    assert landing.status_code == 302
    assert landing["Location"] == "/products/DRILL-18V/?campaign=werkzeugwochen"
    assert shopper.get(landing["Location"]).status_code == 200
    click = CampaignClick.objects.get()
    assert (click.customer.email, click.product.sku) == (address, "DRILL-18V")

    placed = APIClient().post(
        "/api/v1/orders/",
        {
            "customer": {"email": address, "name": "Frau Müller"},
            "pickup_store": "PAS-01",
            "lines": [{"sku": "DRILL-18V", "quantity": 1}],
            "payment_method": "pay_in_store",
            "campaign": "werkzeugwochen",
        },
        format="json",
    )

    order = Order.objects.get(number=placed.json()["number"])
    assert order.campaign == "werkzeugwochen"
    assert click.at < order.placed_at
    kinds = [entry.kind for entry in customer_timeline(customer=order.customer)]
    assert kinds.index("newsletter_click") < kinds.index("order_placed")

    unsubscribed = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe_url), {"List-Unsubscribe": "One-Click"}
    )

    assert unsubscribed.status_code == 200
    assert Customer.objects.get(email=address).email_promotions_consent is False

    second = CampaignFactory(code="gartenwochen", subject_de="Gartenwochen", featured=[drill])
    campaign_schedule(campaign_id=second.pk)
    wait_until(lambda: Campaign.objects.get(pk=second.pk).state == "sent", timeout=30)

    assert not CampaignMessage.objects.filter(campaign=second).exists()
    assert mail_to(tmp_path, address, "Gartenwochen") is None


def test_a_campaign_sent_again_after_a_worker_died_mid_campaign_reaches_nobody_twice(
    worker_factory, tmp_path
):
    customers = [CustomerFactory(email_promotions_consent=True) for _ in range(6)]
    dying = worker_factory(
        EDGE_DIR=tmp_path,
        EDGE_DELAY_SECONDS="60",
        NEWSLETTER_BATCH_SIZE="2",
        **SLOW_MAIL,
        **QUICK_REDELIVERY,
    )
    campaign = CampaignFactory()
    campaign_schedule(campaign_id=campaign.pk)
    # The first mail reached the provider; the worker hangs in the call and is killed there.
    wait_until(lambda: edge_deliveries(tmp_path, "mail") == 1, timeout=30)
    dying.kill()

    worker_factory(EDGE_DIR=tmp_path, NEWSLETTER_BATCH_SIZE="2", **SLOW_MAIL, **QUICK_REDELIVERY)
    # Sent again: the due task (beat, or someone pressing "send") runs twice more meanwhile.
    for _ in range(2):
        app.send_task("newsletter.tasks.campaign_send_due_task")
    wait_until(
        lambda: CampaignMessage.objects.filter(campaign=campaign, status="sent").count() == 6,
        timeout=90,
    )

    calls = edge_calls(tmp_path, "mail")
    assert edge_deliveries(tmp_path, "mail") == 6
    assert sorted(set(calls)) == sorted(f"campaign:{campaign.pk}:{c.pk}" for c in customers)
    assert CampaignMessage.objects.filter(campaign=campaign).count() == 6
    assert wait_until(lambda: Campaign.objects.get(pk=campaign.pk).state == "sent")
