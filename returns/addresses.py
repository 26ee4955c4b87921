"""Where a courier can collect, and what a collection request must hold before any courier is
asked: every problem of the address and the window at once, each with a stable code that screens
translate. exchange_open and return_open refuse with them; the hotline form shows them all in
one round, before anything is written."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

# Postcodes of the countries our couriers collect in, as the national post writes them.
POSTCODE_PATTERNS = {
    "DE": re.compile(r"\d{5}"),
    "AT": re.compile(r"\d{4}"),
    "CH": re.compile(r"\d{4}"),
    "LU": re.compile(r"\d{4}"),
    "BE": re.compile(r"\d{4}"),
    "DK": re.compile(r"\d{4}"),
    "NL": re.compile(r"\d{4} ?[A-Z]{2}"),
    "FR": re.compile(r"\d{5}"),
    "PL": re.compile(r"\d{2}-\d{3}"),
    "CZ": re.compile(r"\d{3} ?\d{2}"),
}
COLLECTION_COUNTRIES = tuple(POSTCODE_PATTERNS)
WINDOW_CODES = frozenset({"window_ends_before_start", "window_passed", "too_far_ahead"})


@dataclass(frozen=True)
class Problem:
    message: str
    code: str


def postcode_normalize(postcode: str) -> str:
    """ "  94032 " -> "94032", "1012ab" -> "1012AB": what the pattern and the courier see."""
    return " ".join((postcode or "").upper().split())


def postcode_is_valid(postcode: str, country: str) -> bool:
    pattern = POSTCODE_PATTERNS.get((country or "").upper())
    return pattern is not None and pattern.fullmatch(postcode_normalize(postcode)) is not None


def collection_problems(
    *,
    name: str,
    line1: str,
    postcode: str,
    city: str,
    country: str,
    date: datetime.date | None,
    window_start: datetime.time | None,
    window_end: datetime.time | None,
    now: datetime.datetime,
) -> dict[str, Problem]:
    """Every problem of a collection request, keyed as the API names the field
    (`collection.address.postcode`, `collection.date`…); empty when a courier can be asked."""
    problems: dict[str, Problem] = {}
    for field, value in (("name", name), ("line1", line1), ("postcode", postcode), ("city", city)):
        if not isinstance(value, str) or not value.strip():
            problems[f"collection.address.{field}"] = Problem("This field is required.", "required")
    country = (country or "").upper()
    if country not in POSTCODE_PATTERNS:
        problems["collection.address.country"] = Problem(
            f"Couriers collect in {', '.join(COLLECTION_COUNTRIES)} only.", "unsupported_country"
        )
    elif "collection.address.postcode" not in problems and not postcode_is_valid(postcode, country):
        problems["collection.address.postcode"] = Problem(
            f"Not a postcode of {country}.", "invalid_postcode"
        )
    if date is None or window_start is None or window_end is None:
        return problems
    if window_end <= window_start:
        problems["collection.window_end"] = Problem(
            "Must be after window_start.", "window_ends_before_start"
        )
    # The courier comes to an address in our time zone: the window is local time there.
    local_now = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    starts = datetime.datetime.combine(date, window_start, local_now.tzinfo)
    if starts <= local_now:
        problems["collection.date"] = Problem(
            "The window has already started or passed.", "window_passed"
        )
    elif date > local_now.date() + datetime.timedelta(days=settings.COURIER_MAX_DAYS_AHEAD):
        problems["collection.date"] = Problem(
            f"Couriers are booked at most {settings.COURIER_MAX_DAYS_AHEAD} days ahead.",
            "too_far_ahead",
        )
    return problems
