"""Rendering and sending one queued message: e-mail through Django's mail (text and HTML), SMS
through the SMS backend.

What a template needs beyond the customer comes from the app that owns the subject of the
message: orders registers the context of order messages with `message_context_register`. Secrets
(the pickup code, the order link's token) are derived there, at send time, and never written to
the outbox row.
"""

from collections.abc import Callable
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from customers.models import Channel
from messaging.models import Notification
from messaging.sms import SmsMessage, sms_backend


class MessageNotApplicable(Exception):  # noqa: N818
    """The message no longer fits its subject (e.g. the ready message of a cancelled order)."""


ContextProvider = Callable[[Notification], dict]
_context_providers: list[ContextProvider] = []


def message_context_register(provider: ContextProvider) -> None:
    """Adds what `provider` returns for a notification to every message's template context; it
    may raise MessageNotApplicable. An `email_headers` dict in the context becomes headers of
    the e-mail (e.g. List-Unsubscribe)."""
    if provider not in _context_providers:
        _context_providers.append(provider)


def message_context(notification: Notification) -> dict:
    context = {
        "customer": notification.customer,
        "language": notification.language,
        **notification.context,
    }
    for provider in _context_providers:
        context.update(provider(notification))
    return context


def _template(notification: Notification, part: str) -> str:
    return f"orders/messages/{notification.language}/{notification.template}.{part}"


def message_send(notification: Notification) -> str:
    """Sends the message once through its channel; returns the provider's message id. A
    transactional message that carries accessory suggestions is advertising too: it is marked
    promotional (the caller records it) so that it counts against the weekly cap."""
    context = message_context(notification)
    if context.get("accessories"):
        notification.promotional = True
    with translation.override(notification.language):
        if notification.channel == Channel.SMS:
            body = render_to_string(_template(notification, "sms.txt"), context).strip()
            return sms_backend().send(
                SmsMessage(
                    to=notification.customer.phone,
                    body=body,
                    idempotency_key=notification.idempotency_key,
                )
            )
        subject = " ".join(
            render_to_string(_template(notification, "subject.txt"), context).split()
        )
        text = render_to_string(_template(notification, "txt"), context)
        html = render_to_string(
            "orders/messages/email.html",
            {**context, "body": render_to_string(_template(notification, "html"), context)},
        )
    message_id = make_msgid(domain="click-and-collect")
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.customer.email],
        headers={
            **context.get("email_headers", {}),
            "Message-ID": message_id,
            "X-Idempotency-Key": notification.idempotency_key,
        },
    )
    email.attach_alternative(html, "text/html")
    email.send()
    return message_id
