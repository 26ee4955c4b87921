"""The stock journal in the reader's language. The services write a movement's reason in
English as a fixed pattern (or the clerk's own words); the console reads the patterns it knows
and says them again through gettext, and shows anything else as written."""

import re
from collections.abc import Callable

from django.utils.translation import gettext as _

_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(r"^order (\S+) cancelled$"),
        lambda m: _("Order %(number)s cancelled") % {"number": m[1]},
    ),
    (
        re.compile(r"^order (\S+) not collected$"),
        lambda m: _("Order %(number)s not collected") % {"number": m[1]},
    ),
    (
        re.compile(r"^shortage at (\S+)$"),
        lambda m: _("Shortage reported for order %(number)s") % {"number": m[1]},
    ),
    (re.compile(r"^to store (\S+)$"), lambda m: _("Sent to %(store)s") % {"store": m[1]}),
    (re.compile(r"^from store (\S+)$"), lambda m: _("Arrived from %(store)s") % {"store": m[1]}),
    (
        re.compile(r"^arrived by transfer:(\d+)$"),
        lambda m: _("Reserved on arrival of transfer %(number)s") % {"number": f"T{int(m[1]):05d}"},
    ),
    (re.compile(r"^transfer cancelled$"), lambda m: _("Transfer cancelled")),
    (
        re.compile(r"^transfer cancelled in transit: back at the source$"),
        lambda m: _("Transfer cancelled on the way: back on hand here"),
    ),
    (re.compile(r"^resellable$"), lambda m: _("Returned, resellable")),
    (re.compile(r"^defective$"), lambda m: _("Returned, defective")),
    (re.compile(r"^defective return$"), lambda m: _("Defective return written off")),
]

_REFERENCES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (
        re.compile(r"^transfer:(\d+)$"),
        lambda m: _("Transfer %(number)s") % {"number": f"T{int(m[1]):05d}"},
    ),
    (re.compile(r"^order-line:(\d+)$"), lambda m: _("Order line %(id)s") % {"id": m[1]}),
    (re.compile(r"^order:(\S+)$"), lambda m: _("Order %(number)s") % {"number": m[1]}),
]


def _say(text: str, patterns) -> str:
    for pattern, say in patterns:
        match = pattern.match(text)
        if match:
            return say(match)
    return text


def journal_reason(text: str) -> str:
    """A movement's reason in the reader's language (the clerk's own words as written)."""
    return _say((text or "").strip(), _PATTERNS)


def journal_reference(text: str) -> str:
    """A movement's reference as people name it: a transfer number, an order line, a note."""
    return _say((text or "").strip(), _REFERENCES)
