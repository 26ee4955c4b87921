"""Money on console pages as the shop shows it: the amount in the reader's format with its
currency (templates/shop/_price.html: "€23.47", "23,47 €")."""

from decimal import Decimal

from django.template.loader import render_to_string


def money(amount: Decimal) -> str:
    """An amount in euros, in the active language."""
    return render_to_string("shop/_price.html", {"price": amount}).strip()
