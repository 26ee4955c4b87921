"""Double opt-in, its proof and history, and one-click unsubscribe, through the services and the
confirmation mail the worker would send."""

import datetime
import time

import pytest
from django.core import mail

from customers.models import Customer
from messaging.models import Notification
from messaging.services import notification_deliver
from newsletter.exceptions import ExpiredToken, InvalidAddress, InvalidToken, PhoneRequired
from newsletter.models import ConsentEvent, Subscription
from newsletter.services import (
    SubscribeInput,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.newsletter.conftest import link_in, token_of
from tests.orders.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 12, 1, 7, 30, tzinfo=datetime.UTC)


def _subscribe(email="mueller@example.com", **extra) -> Subscription:
    return subscription_request(
        request=SubscribeInput(email=email, ip="198.51.100.7", source="footer", **extra), now=AT
    )


def _deliver_confirmation() -> mail.EmailMessage:
    notification = Notification.objects.get(template="newsletter_confirm", status="queued")
    notification_deliver(notification.pk)
    return mail.outbox[-1]


def test_a_request_records_a_pending_subscription_and_sends_a_confirmation_link():
    subscription = _subscribe()

    message = _deliver_confirmation()

    customer = Customer.objects.get(email="mueller@example.com")
    assert (subscription.status, subscription.requested_ip) == ("pending", "198.51.100.7")
    assert customer.email_promotions_consent is False
    assert message.to == ["mueller@example.com"]
    assert "/newsletter/confirm/" in link_in(message, "/newsletter/confirm/")
    assert list(ConsentEvent.objects.values_list("action", "source", "wording_version")) == [
        ("requested", "footer", "2026-12")
    ]


def test_consent_counts_from_the_click_with_its_proof():
    _subscribe()
    token = token_of(link_in(_deliver_confirmation(), "/newsletter/confirm/"))

    subscription = subscription_confirm(
        token=token, ip="203.0.113.9", now=AT + datetime.timedelta(minutes=5)
    )

    assert subscription.status == "subscribed"
    assert subscription.confirmed_at == AT + datetime.timedelta(minutes=5)
    assert subscription.confirmed_ip == "203.0.113.9"
    assert subscription.wording_version == "2026-12"
    assert Customer.objects.get(email="mueller@example.com").email_promotions_consent is True
    assert list(ConsentEvent.objects.values_list("action", flat=True)) == [
        "requested",
        "confirmed",
    ]


def test_confirming_twice_changes_nothing_the_second_time():
    subscription = _subscribe()
    token = confirm_token(subscription_id=subscription.pk, requested_at=AT)
    subscription_confirm(token=token)

    again = subscription_confirm(token=token)

    assert again.status == "subscribed"
    assert ConsentEvent.objects.filter(action="confirmed").count() == 1


def test_a_forged_confirmation_token_is_refused_and_writes_nothing():
    subscription = _subscribe()
    forged = confirm_token(subscription_id=subscription.pk, requested_at=AT)[:-2] + "xx"

    with pytest.raises(InvalidToken):
        subscription_confirm(token=forged)

    subscription.refresh_from_db()
    assert subscription.status == "pending"
    assert ConsentEvent.objects.count() == 1


def test_a_token_signed_for_another_purpose_is_refused():
    subscription = _subscribe()
    unsubscribe = unsubscribe_token(customer_id=subscription.customer_id, channel="email")

    with pytest.raises(InvalidToken):
        subscription_confirm(token=unsubscribe)


def test_a_confirmation_link_of_an_earlier_request_is_refused():
    subscription = _subscribe()
    old = confirm_token(subscription_id=subscription.pk, requested_at=AT)
    subscription_request(
        request=SubscribeInput(email="mueller@example.com"),
        now=AT + datetime.timedelta(hours=1),
    )

    with pytest.raises(InvalidToken):
        subscription_confirm(token=old)


def test_a_confirmation_link_expires_after_seven_days(monkeypatch):
    subscription = _subscribe()
    token = confirm_token(subscription_id=subscription.pk, requested_at=AT)
    eight_days_later = time.time() + 8 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: eight_days_later)

    with pytest.raises(ExpiredToken):
        subscription_confirm(token=token)

    subscription.refresh_from_db()
    assert subscription.status == "pending"


@pytest.mark.parametrize(
    "email", ["", "not-an-address", "a@b", "müller@", "x" * 250 + "@example.com", " @x.de"]
)
def test_an_invalid_address_is_refused_and_nothing_is_written(email):
    with pytest.raises(InvalidAddress) as refused:
        _subscribe(email=email)

    assert refused.value.code == "invalid_email"
    assert Customer.objects.count() == 0
    assert Subscription.objects.count() == 0
    assert Notification.objects.count() == 0


def test_sms_consent_needs_a_mobile_number():
    with pytest.raises(PhoneRequired):
        _subscribe(channel="sms", phone="0851 1234")

    assert Subscription.objects.count() == 0


def test_sms_consent_is_confirmed_by_sms_and_kept_apart_from_email():
    subscription = _subscribe(channel="sms", phone="+4915112345678")

    notification = Notification.objects.get(template="newsletter_confirm")

    assert (subscription.channel, notification.channel) == ("sms", "sms")
    customer = Customer.objects.get()
    assert customer.phone == "+4915112345678"
    assert (customer.email_promotions_consent, customer.sms_promotions_consent) == (False, False)


def test_a_subscribed_address_asking_again_gets_no_mail_and_keeps_its_consent():
    subscription = _subscribe()
    subscription_confirm(token=confirm_token(subscription_id=subscription.pk, requested_at=AT))

    again = _subscribe()

    assert again.status == "subscribed"
    assert Notification.objects.filter(template="newsletter_confirm").count() == 1


def test_an_existing_customer_keeps_name_and_language_when_subscribing():
    CustomerFactory(email="Mueller@Example.com", name="Frau Müller", language="de")

    _subscribe(email="mueller@example.com", language="en")

    customer = Customer.objects.get()
    assert (customer.name, customer.language) == ("Frau Müller", "de")


def test_unsubscribing_takes_effect_at_once_and_twice_writes_nothing():
    subscription = _subscribe()
    subscription_confirm(token=confirm_token(subscription_id=subscription.pk, requested_at=AT))
    token = unsubscribe_token(customer_id=subscription.customer_id, channel="email")

    first = subscription_unsubscribe(token=token, ip="198.51.100.7")
    second = subscription_unsubscribe(token=token)

    assert (first.changed, second.changed) == (True, False)
    assert Customer.objects.get().email_promotions_consent is False
    assert Subscription.objects.get().status == "unsubscribed"
    assert ConsentEvent.objects.filter(action="unsubscribed").count() == 1


def test_unsubscribing_withdraws_a_consent_given_before_proofs_were_kept():
    customer = CustomerFactory(email_promotions_consent=True)

    result = subscription_unsubscribe(
        token=unsubscribe_token(customer_id=customer.pk, channel="email")
    )

    customer.refresh_from_db()
    assert result.changed is True
    assert customer.email_promotions_consent is False


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "1:abc:def", unsubscribe_token(customer_id=999999, channel="email")],
)
def test_a_forged_or_unknown_unsubscribe_token_is_refused(token):
    with pytest.raises(InvalidToken):
        subscription_unsubscribe(token=token)

    assert ConsentEvent.objects.count() == 0


def test_a_pending_subscription_no_longer_sends_its_confirmation_once_withdrawn():
    subscription = _subscribe()
    subscription_unsubscribe(
        token=unsubscribe_token(customer_id=subscription.customer_id, channel="email")
    )

    notification = Notification.objects.get(template="newsletter_confirm")
    status = notification_deliver(notification.pk)

    assert status == "suppressed"
    assert mail.outbox == []
