"""The template context of the newsletter's messages, registered with messaging: the
confirmation link of a subscription, derived at send time (never stored in the outbox row)."""

from django.conf import settings
from django.urls import reverse

from messaging.models import Notification
from messaging.rendering import MessageNotApplicable
from newsletter.models import Subscription
from newsletter.tokens import confirm_token, unsubscribe_token

CONFIRM_TEMPLATE = "newsletter_confirm"


def shop_url(path: str) -> str:
    return f"{settings.SHOP_BASE_URL.rstrip('/')}{path}"


def unsubscribe_url(*, customer_id: int, channel: str) -> str:
    token = unsubscribe_token(customer_id=customer_id, channel=channel)
    return shop_url(reverse("shop:newsletter_unsubscribe", args=[token]))


def newsletter_message_context(notification: Notification) -> dict:
    """The confirmation link for `newsletter_confirm`; MessageNotApplicable once the
    subscription no longer waits for it."""
    if notification.template != CONFIRM_TEMPLATE:
        return {}
    subscription = Subscription.objects.filter(
        pk=notification.context.get("subscription_id")
    ).first()
    if subscription is None or subscription.status != Subscription.Status.PENDING:
        raise MessageNotApplicable("the subscription no longer waits for confirmation")
    token = confirm_token(subscription_id=subscription.pk, requested_at=subscription.requested_at)
    return {"confirm_url": shop_url(reverse("shop:newsletter_confirm", args=[token]))}
