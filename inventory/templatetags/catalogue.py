"""A product's texts in the reader's language: shopper pages and messages render in the
shopper's language (messages under the customer's), and the catalogue holds German and English
names and descriptions (German when there is no English one)."""

from django import template
from django.conf import settings
from django.utils import translation

from inventory.models import Product

register = template.Library()


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@register.filter
def product_name(product: Product) -> str:
    """{{ product|product_name }} → "Cordless drill driver 18V…" for an English reader."""
    return product.name_in(_language())


@register.filter
def product_description(product: Product) -> str:
    """{{ product|product_description }} in the reader's language."""
    return product.description_in(_language())
