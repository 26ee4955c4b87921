"""The SMS backend interface and the sandbox backend used by default (`SMS_BACKEND`)."""

import logging
import uuid
from collections import deque
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsUnavailable(Exception):  # noqa: N818
    """The provider could not take the message now; sending may be retried."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    idempotency_key: str


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> str:
        """Sends one message; returns the provider's message id."""


# What the sandbox sent in this process, like Django's locmem mail outbox; bounded, because a
# demo worker runs for days.
sandbox_outbox: deque[SmsMessage] = deque(maxlen=1000)


class SandboxSmsBackend:
    """Records messages instead of sending them; the same idempotency key is sent once."""

    def send(self, message: SmsMessage) -> str:
        if not any(sent.idempotency_key == message.idempotency_key for sent in sandbox_outbox):
            sandbox_outbox.append(message)
            logger.info("sandbox SMS to %s: %s", message.to, message.body)
        return f"sandbox-sms-{uuid.uuid5(uuid.NAMESPACE_URL, message.idempotency_key)}"


@cache
def _backend_class(path: str) -> type:
    return import_string(path)


def sms_backend() -> SmsBackend:
    return _backend_class(settings.SMS_BACKEND)()
