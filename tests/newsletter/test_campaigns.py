"""Campaigns: the segment, batches that reach nobody twice, the weekly cap across every channel,
consent checked again at the send, the mail's tracked links and RFC 8058 headers."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Notification
from messaging.services import notification_queue
from messaging.sms import sandbox_outbox
from newsletter.exceptions import CampaignIncomplete, CampaignNotEditable
from newsletter.models import CampaignMessage
from newsletter.selectors import campaign_progress, campaign_segment
from newsletter.services import (
    campaign_cancel,
    campaign_message_deliver,
    campaign_schedule,
    campaign_send_batch,
    campaign_send_test,
    campaigns_start_due,
    subscription_unsubscribe,
)
from newsletter.tokens import unsubscribe_token
from tests.inventory.factories import ProductFactory
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory, OrderLineFactory
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)


def _consenting(count: int, **extra) -> list:
    return [CustomerFactory(email_promotions_consent=True, **extra) for _ in range(count)]


def _start(campaign) -> None:
    with mock.patch("newsletter.services.campaigns._enqueue_send_due"):
        campaign_schedule(campaign_id=campaign.pk, now=NOW)
    campaigns_start_due(now=NOW)


def _send_all(campaign, size=2) -> None:
    _start(campaign)
    while campaign_send_batch(campaign_id=campaign.pk, size=size, now=NOW):
        pass
    for message_id in CampaignMessage.objects.filter(status="queued").values_list("pk", flat=True):
        campaign_message_deliver(message_id)


def test_the_segment_is_consenting_customers_narrowed_by_every_condition_set():
    passau, other = StoreFactory(code="PAS-01"), StoreFactory(code="REG-01")
    drill = ProductFactory(sku="DRILL", category="Elektrowerkzeuge")
    saw = ProductFactory(sku="SAW", category="Gartengeräte")
    bought_drill_in_passau, bought_saw, english, no_consent = (
        *_consenting(2),
        *_consenting(1, language="en"),
        CustomerFactory(),
    )
    OrderLineFactory(order__customer=bought_drill_in_passau, order__pickup_store=passau,
                     product=drill)  # fmt: skip
    OrderLineFactory(order__customer=bought_saw, order__pickup_store=other, product=saw)
    OrderLineFactory(order__customer=no_consent, order__pickup_store=passau, product=drill)

    def segment(**conditions):
        return list(campaign_segment(campaign=CampaignFactory.build(**conditions)))

    assert segment() == [bought_drill_in_passau, bought_saw, english]
    assert segment(segment_language="en") == [english]
    assert segment(segment_store=passau) == [bought_drill_in_passau]
    assert segment(segment_product=drill) == [bought_drill_in_passau]
    assert segment(segment_category="elektrowerkzeuge") == [bought_drill_in_passau]
    assert segment(segment_category="Gartengeräte", segment_store=passau) == []


def test_a_cancelled_order_does_not_count_as_bought():
    drill = ProductFactory(sku="DRILL")
    (customer,) = _consenting(1)
    OrderLineFactory(order__customer=customer, order__state="cancelled", product=drill)

    assert list(campaign_segment(campaign=CampaignFactory.build(segment_product=drill))) == []


def test_sending_records_every_recipient_once_in_batches_and_finishes():
    customers = _consenting(5)
    campaign = CampaignFactory()

    _send_all(campaign, size=2)

    campaign.refresh_from_db()
    assert campaign.state == "sent"
    assert campaign.recipients_total == 5
    assert sorted(message.to[0] for message in mail.outbox) == sorted(c.email for c in customers)
    progress = campaign_progress(campaign=campaign)
    assert (progress.total, progress.sent, progress.percent) == (5, 5, 100)


def test_a_batch_run_again_after_the_campaign_finished_reaches_nobody_twice():
    _consenting(3)
    campaign = CampaignFactory()
    _send_all(campaign, size=10)
    campaign.state = "sending"
    campaign.cursor = 0
    campaign.save()

    campaign_send_batch(campaign_id=campaign.pk, size=10, now=NOW)

    assert CampaignMessage.objects.filter(campaign=campaign).count() == 3
    assert len(mail.outbox) == 3


def test_a_batch_records_its_recipients_in_a_bounded_number_of_queries():
    _consenting(30)
    campaign = CampaignFactory()
    _start(campaign)

    with CaptureQueriesContext(connection) as queries:
        campaign_send_batch(campaign_id=campaign.pk, size=30, now=NOW)

    assert CampaignMessage.objects.count() == 30
    assert len(queries) <= 12


def test_the_weekly_cap_counts_promotions_of_every_channel():
    customer = CustomerFactory(
        email_promotions_consent=True, sms_promotions_consent=True, phone="+4915112345678"
    )
    # One promotional SMS and one promotional e-mail this week: the cap of two is reached.
    notification_queue(customer=customer, template="accessories", key="a", promotional=True,
                       channels=["sms"], now=NOW - datetime.timedelta(days=2))  # fmt: skip
    first = CampaignFactory()
    _send_all(first)
    second = CampaignFactory()

    _send_all(second)

    assert CampaignMessage.objects.get(campaign=first).status == "sent"
    skipped = CampaignMessage.objects.get(campaign=second)
    assert (skipped.status, skipped.skip_reason) == ("skipped", "cap")
    assert len(mail.outbox) == 1


def test_a_campaign_counts_against_the_cap_of_later_promotional_messages():
    customer = CustomerFactory(email_promotions_consent=True)
    _send_all(CampaignFactory())
    _send_all(CampaignFactory())

    later = notification_queue(
        customer=customer, template="accessories", key="later", promotional=True
    )

    assert [notification.status for notification in later] == ["suppressed"]


def test_an_sms_campaign_reaches_only_sms_consent_with_a_phone():
    with_phone = CustomerFactory(sms_promotions_consent=True, phone="+4915112345678")
    CustomerFactory(sms_promotions_consent=True)
    CustomerFactory(email_promotions_consent=True, phone="+4915100000000")
    sandbox_outbox.clear()
    campaign = CampaignFactory(channel="sms", featured=[ProductFactory(sku="DRILL")])

    _send_all(campaign)

    assert [message.to for message in sandbox_outbox] == [with_phone.phone]
    assert "/newsletter/c/" in sandbox_outbox[0].body
    assert "/newsletter/unsubscribe/" in sandbox_outbox[0].body


def test_unsubscribing_between_record_and_send_is_effective_at_once():
    (customer,) = _consenting(1)
    campaign = CampaignFactory()
    _start(campaign)
    campaign_send_batch(campaign_id=campaign.pk, now=NOW)
    subscription_unsubscribe(token=unsubscribe_token(customer_id=customer.pk, channel="email"))

    status = campaign_message_deliver(CampaignMessage.objects.get().pk)

    assert status == "skipped"
    assert CampaignMessage.objects.get().skip_reason == "no_consent"
    assert mail.outbox == []


def test_the_mail_has_tracked_links_live_prices_and_the_rfc_8058_headers():
    (customer,) = _consenting(1)
    drill = ProductFactory(sku="DRILL", name="Akku-Bohrschrauber 18V", price=Decimal("89.90"))
    campaign = CampaignFactory(featured=[drill])
    drill.price = Decimal("79.90")
    drill.save()

    _send_all(campaign)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == "Werkzeugwochen: Akkuschrauber zum Aktionspreis"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert "79,90 €" in html
    assert "89.90" not in html
    assert "/newsletter/c/" in html
    assert "/products/DRILL/" not in html
    assert "<h1>Werkzeugwochen</h1>" in html
    assert "Akku-Bohrschrauber 18V – 79,90 €" in message.body


def test_an_english_customer_reads_the_english_text_and_falls_back_to_german():
    (english,) = _consenting(1, language="en")
    _send_all(CampaignFactory())
    _send_all(CampaignFactory(subject_en="", body_en=""))

    subjects = [message.subject for message in mail.outbox]

    assert subjects == [
        "Tool weeks: cordless drills on offer",
        "Werkzeugwochen: Akkuschrauber zum Aktionspreis",
    ]
    assert english.language == "en"


def test_marketing_html_in_the_text_is_escaped():
    _consenting(1)
    campaign = CampaignFactory(body_de="<script>alert(1)</script> [x](javascript:alert(1))")

    _send_all(campaign)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_a_test_send_goes_to_the_staff_address_only_and_counts_for_nobody():
    _consenting(2)
    campaign = CampaignFactory(featured=[ProductFactory(sku="DRILL")])

    message = campaign_send_test(campaign_id=campaign.pk, address="marketing@example.com")
    campaign_message_deliver(message.pk)

    (sent,) = mail.outbox
    assert sent.to == ["marketing@example.com"]
    assert "/products/DRILL/?campaign=" in sent.alternatives[0][0]
    assert "List-Unsubscribe" not in sent.extra_headers
    campaign.refresh_from_db()
    assert campaign.state == "draft"
    assert campaign_progress(campaign=campaign).recorded == 0


def test_a_campaign_without_a_german_text_cannot_be_scheduled():
    campaign = CampaignFactory(body_de="  ")

    with pytest.raises(CampaignIncomplete):
        campaign_schedule(campaign_id=campaign.pk)

    campaign.refresh_from_db()
    assert campaign.state == "draft"


def test_a_sent_campaign_cannot_be_scheduled_again():
    _consenting(1)
    campaign = CampaignFactory()
    _send_all(campaign)

    with pytest.raises(CampaignNotEditable):
        campaign_schedule(campaign_id=campaign.pk)


def test_a_campaign_scheduled_for_later_waits_for_its_time():
    _consenting(1)
    campaign = CampaignFactory()
    campaign_schedule(campaign_id=campaign.pk, at=NOW + datetime.timedelta(hours=2), now=NOW)

    sending = campaigns_start_due(now=NOW + datetime.timedelta(hours=1))

    assert sending == []
    assert campaigns_start_due(now=NOW + datetime.timedelta(hours=2)) == [campaign.pk]


def test_cancelling_a_sending_campaign_skips_what_is_not_sent_yet():
    _consenting(2)
    campaign = CampaignFactory()
    _start(campaign)
    campaign_send_batch(campaign_id=campaign.pk, size=1, now=NOW)
    campaign_cancel(campaign_id=campaign.pk)

    more = campaign_send_batch(campaign_id=campaign.pk, size=1, now=NOW)
    status = campaign_message_deliver(CampaignMessage.objects.get().pk)

    assert (more, status) == (False, "skipped")
    assert mail.outbox == []
    assert Notification.objects.count() == 0
