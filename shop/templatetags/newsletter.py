"""{% newsletter_footer %}: the subscription form every shopper page carries in its footer."""

from django import template

from newsletter.wording import CONSENT_WORDING_CURRENT, CONSENT_WORDINGS

register = template.Library()


@register.inclusion_tag("shop/_newsletter_footer.html", takes_context=True)
def newsletter_footer(context) -> dict:
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "wording": CONSENT_WORDINGS[CONSENT_WORDING_CURRENT],
        "wording_version": CONSENT_WORDING_CURRENT,
    }
