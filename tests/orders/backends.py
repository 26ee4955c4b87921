"""Edges we do not own, failing on purpose: a mail server and an SMS provider that are down."""

from django.core.mail.backends.base import BaseEmailBackend

from messaging.sms import SmsUnavailable


class UnreachableEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server unreachable")


class UnreachableSmsBackend:
    def send(self, message):
        raise SmsUnavailable("provider unreachable")
