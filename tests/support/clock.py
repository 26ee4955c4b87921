"""A fixed "now" for code that asks django.utils.timezone, so pages and the API can be tested at
a known time of day (the story's Thursday, 11:00 in Passau)."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")
# Thursday, 3 December 2026, 11:00 in Passau.
STORY_MORNING = datetime.datetime(2026, 12, 3, 11, 0, tzinfo=BERLIN)


def freeze(monkeypatch, when: datetime.datetime) -> datetime.datetime:
    """Makes timezone.now() answer `when` (in UTC) for the rest of the test."""
    fixed = when.astimezone(datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


def berlin(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)
