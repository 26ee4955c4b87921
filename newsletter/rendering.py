"""What a campaign says to one recipient: subject, HTML, text and SMS in their language, the
featured products at their price now, and every link a signed tracking link of that recipient.
The preview and the test send use the same code with plain links."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from newsletter.markdown import markdown_render
from newsletter.messages import shop_url, unsubscribe_url
from newsletter.models import Campaign
from newsletter.tokens import click_token

PRODUCT_PATH_PREFIX = "/products/"


@dataclass(frozen=True)
class FeaturedProduct:
    sku: str
    name: str
    price: Decimal
    url: str


@dataclass(frozen=True)
class CampaignContent:
    subject: str
    html: str
    text: str
    sms: str
    headers: dict[str, str]


def campaign_language(campaign: Campaign, language: str) -> str:
    """The recipient's language when the campaign has a text in it, else German."""
    if language == "en" and campaign.subject_en and campaign.body_en:
        return "en"
    return "de"


def product_url(*, sku: str, campaign_code: str) -> str:
    path = reverse("shop:product", args=[sku])
    return shop_url(f"{path}?{urlencode({'campaign': campaign_code})}")


def _target(url: str) -> str:
    """A link of the text as a click target: a product page by its SKU, else the URL."""
    if url.startswith(PRODUCT_PATH_PREFIX):
        sku = url[len(PRODUCT_PATH_PREFIX) :].split("/")[0].split("?")[0]
        if sku:
            return f"p:{sku}"
    return url


def _tracked(campaign: Campaign, customer_id: int | None, target: str) -> str:
    if customer_id is None:
        if target.startswith("p:"):
            return product_url(sku=target[2:], campaign_code=campaign.code)
        return shop_url(target) if target.startswith("/") else target
    token = click_token(campaign_id=campaign.pk, customer_id=customer_id, target=target)
    return shop_url(reverse("shop:newsletter_click", args=[token]))


def campaign_render(
    campaign: Campaign, *, language: str, customer_id: int | None, channel: str = "email"
) -> CampaignContent:
    """The campaign for one recipient (customer_id None: a preview or test, with plain links
    and no working unsubscribe link). Products are read now: the price is today's."""
    language = campaign_language(campaign, language)
    subject = campaign.subject_en if language == "en" else campaign.subject_de
    body = campaign.body_en if language == "en" else campaign.body_de
    rendered = markdown_render(
        body, rewrite=lambda url: _tracked(campaign, customer_id, _target(url))
    )
    products = [
        FeaturedProduct(
            sku=product.sku,
            name=product.name,
            price=product.price,
            url=_tracked(campaign, customer_id, f"p:{product.sku}"),
        )
        for product in campaign.products.filter(is_active=True).order_by("name")
    ]
    unsubscribe = (
        unsubscribe_url(customer_id=customer_id, channel=channel)
        if customer_id is not None
        else shop_url("/")
    )
    context = {
        "campaign": campaign,
        "language": language,
        "subject": subject,
        "body_html": rendered.html,
        "body_text": rendered.text,
        "products": products,
        "unsubscribe_url": unsubscribe,
    }
    with translation.override(language):
        html = render_to_string("newsletter/email.html", context)
        text = render_to_string("newsletter/email.txt", context)
        sms = " ".join(render_to_string("newsletter/sms.txt", context).split())
    headers = {
        # RFC 8058: a mail client may unsubscribe with one POST to this address.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return CampaignContent(subject=subject, html=html, text=text, sms=sms, headers=headers)
