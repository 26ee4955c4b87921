"""Edges we do not own, failing on purpose: a mail server, an SMS provider and a card provider
that are down."""

from django.core.mail.backends.base import BaseEmailBackend

from messaging.sms import SmsUnavailable
from payments.gateways import PaymentUnavailable, SandboxGateway


class UnreachableEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server unreachable")


class UnreachableSmsBackend:
    def send(self, message):
        raise SmsUnavailable("provider unreachable")


class UnreachablePaymentGateway(SandboxGateway):
    """The card provider is down: every call fails as a timeout would."""

    def authorize(self, **kwargs):
        raise PaymentUnavailable("payment provider unreachable")
