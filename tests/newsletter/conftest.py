import re

import pytest
from django.core import mail
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def link_in(message, path: str) -> str:
    """The first link of the mail's text that goes to `path`, without the host."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s\"<]*)", message.body)
    assert found, message.body
    return found.group(1)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def sent_mail():
    return mail.outbox
