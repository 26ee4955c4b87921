"""The consent texts a subscriber agreed to, by version. A version is never changed once used:
the proof of a consent names the version, and this file shows what it said."""

from django.utils.translation import gettext_lazy as _

CONSENT_WORDINGS = {
    "2026-12": _(
        "Yes, send me the newsletter with offers and news of the store chain. I can unsubscribe "
        "at any time with one click."
    ),
}
CONSENT_WORDING_CURRENT = "2026-12"
