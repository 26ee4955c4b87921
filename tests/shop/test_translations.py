"""The shopper pages in German and English: every visible string goes through the catalogue and
the German catalogue is complete, compiled and free of fuzzy entries."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from orders.services import order_cancel, order_mark_ready, order_start_picking
from tests.shop.data import order_path

PO = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# What a page shows that is data or a name, the same in every language.
NEUTRAL = ["Click & Collect", "Click", "Collect", "English", "Deutsch", "EN", "DE", "km", "IBAN"]
# Phrases of the English pages that must never show on a German page.
ENGLISH_PHRASES = [
    "Search",
    "available",
    "Ready by",
    "Collect here",
    "Out of stock",
    "Where can I collect it?",
    "Postcode or city",
    "Your details",
    "Your name",
    "Place order",
    "Pickup store",
    "Your pickup code",
    "Opening hours",
    "Cancel order",
    "Monday",
    "Closed",
    "Total",
    "Order online, collect in store.",
    "This field is required.",
]


class _VisibleText(HTMLParser):
    """Text nodes a shopper sees or hears (no script or style), and the attributes read out."""

    ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden_depth += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self._add(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self._add(data)

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.texts.add(text)


def visible_texts(html: str) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


def untranslated(english: str, german: str, data: list[str]) -> set[str]:
    """Strings with words that read the same on the English and the German page once data
    (names, addresses, numbers) is taken out: text that skipped the catalogue."""
    left = set()
    for text in visible_texts(english) & visible_texts(german):
        rest = text
        for value in sorted([*data, *NEUTRAL], key=len, reverse=True):
            rest = rest.replace(value, " ")
        if re.search(r"[A-Za-zÄÖÜäöüß]{2,}", rest):
            left.add(text)
    return left


def english_phrases_in(german: str) -> list[str]:
    seen = " | ".join(sorted(visible_texts(german)))
    return [phrase for phrase in ENGLISH_PHRASES if re.search(rf"\b{re.escape(phrase)}\b", seen)]


def _po_entries() -> list[dict]:
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": "", "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                if current.startswith("msgstr"):
                    entry["msgstr"].append(match.group(2))
                else:
                    entry[current] = match.group(2)
            elif line.startswith('"') and current:
                if current.startswith("msgstr"):
                    entry["msgstr"][-1] += line[1:-1]
                else:
                    entry[current] += line[1:-1]
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_every_entry_of_the_german_catalogue_is_translated_and_none_is_fuzzy():
    entries = _po_entries()

    assert len(entries) > 100
    assert [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]] == []
    assert [entry["msgid"] for entry in entries if not all(entry["msgstr"])] == []


def test_the_compiled_catalogue_holds_every_translation_of_the_source():
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    missing = []
    for entry in _po_entries():
        if "msgid_plural" in entry or "msgctxt" in entry:
            continue
        msgid = entry["msgid"].encode().decode("unicode_escape").encode("latin-1").decode()
        translated = entry["msgstr"][0]
        if translated and translated != entry["msgid"] and catalogue.gettext(msgid) == msgid:
            missing.append(msgid)

    assert missing == []


def test_the_check_finds_a_string_left_in_english():
    english = "<p>Your items</p><p>Baumarkt Passau</p><input placeholder='Postcode or city'>"
    german = "<p>Ihre Artikel</p><p>Baumarkt Passau</p><input placeholder='Postcode or city'>"

    assert untranslated(english, german, data=["Baumarkt Passau"]) == {"Postcode or city"}
    assert english_phrases_in(german) == ["Postcode or city"]


@pytest.fixture
def pages(client, placed, clerk, regensburg):
    """Every shopper page, in the states a shopper meets them."""
    from customers.services import CustomerInput
    from orders.services import LineInput, order_place

    ready = order_place(
        customer=CustomerInput(email="ben@example.com", name="Ben Berger"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=2)],
        payment_method="card",
    )
    order_start_picking(order=ready.order, by=clerk)
    order_mark_ready(order=ready.order, by=clerk)
    cancelled = order_place(
        customer=CustomerInput(email="cem@example.com", name="Cem Aydin"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="card",
    )
    order_cancel(order=cancelled.order, by=None, reason="shopper: other")
    checkout = "/products/AKKU-BS-18V/checkout/"
    return {
        "search": ("get", "/?q=akku", None),
        "search without results": ("get", "/?q=kettensäge", None),
        "product": ("get", "/products/AKKU-BS-18V/", None),
        "product near a place": ("get", "/products/AKKU-BS-18V/?near=Regensburg", None),
        "product with an unknown place": ("get", "/products/AKKU-BS-18V/?near=Sylt", None),
        "checkout": ("get", f"{checkout}?store=PAS-01", None),
        "checkout with errors": ("post", checkout, {"store": "REG-01", "quantity": "1"}),
        "checkout sold out": (
            "post",
            checkout,
            {
                "store": "REG-01",
                "quantity": "1",
                "name": "Dora",
                "email": "dora@example.com",
                "payment_method": "card",
            },
        ),
        "order reserved": ("get", order_path(placed), None),
        "order ready": ("get", order_path(ready), None),
        "order cancelled": ("get", order_path(cancelled), None),
        "cancel": (
            "get",
            f"/orders/{placed.order.number}/cancel/?token={placed.access_token}",
            None,
        ),
        "order not found": ("get", f"/orders/{placed.order.number}/?token=wrong", None),
        "product not found": ("get", "/products/NOPE/", None),
    }


PAGE_NAMES = [
    "search",
    "search without results",
    "product",
    "product near a place",
    "product with an unknown place",
    "checkout",
    "checkout with errors",
    "checkout sold out",
    "order reserved",
    "order ready",
    "order cancelled",
    "cancel",
    "order not found",
    "product not found",
]
DATA = [
    "Akku-Bohrschrauber 18V, 2 Akkus, im Koffer",
    "AKKU-BS-18V",
    "Elektrowerkzeuge",
    "Baumarkt Passau",
    "Baumarkt Regensburg",
    "Neuburger Straße 120",
    "Straubinger Straße 50",
    "94036 Passau",
    "93055 Regensburg",
    "Passau",
    "Regensburg",
    "Sylt",
    "akku",
    "kettensäge",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_each_shopper_page_renders_in_german_and_english_with_nothing_left_untranslated(
    client, pages, name
):
    method, path, data = pages[name]
    send = getattr(client, method)

    english = send(path, data, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    german = send(path, data, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert '<html lang="en">' in english
    assert '<html lang="de">' in german
    assert untranslated(english, german, DATA) == set()
    assert english_phrases_in(german) == []


@pytest.mark.django_db
def test_the_language_switch_keeps_the_shopper_on_the_same_page_in_the_chosen_language(
    client, stocked
):
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/products/AKKU-BS-18V/?near=Passau"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 302
    assert response["Location"] == "/products/AKKU-BS-18V/?near=Passau"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in page
    assert "Where can I collect it?" in page
