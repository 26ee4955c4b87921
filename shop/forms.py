"""The shopper's forms. They check what a page can check before asking a service; the services
check again and their refusals are put next to the field they concern (views.py)."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError
from customers.exceptions import InvalidPhoneNumber
from customers.phones import phone_to_e164
from newsletter.wording import CONSENT_WORDING_CURRENT, CONSENT_WORDINGS
from orders.models import Order
from orders.services.placement import MAX_QUANTITY
from payments.sepa import ACCOUNT_HOLDER_MAX_LENGTH, IBAN_INPUT_MAX_LENGTH, iban_clean

# "48.57, 13.43" or "48,57 13,43": coordinates typed instead of a place (decimals required, so
# a postcode never reads as coordinates).
COORDINATES = re.compile(r"^\s*(-?\d{1,2}[.,]\d+)\s*[,; ]\s*(-?\d{1,3}[.,]\d+)\s*$")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search products"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. cordless drill"), "autofocus": True}
        ),
    )


class LocationForm(forms.Form):
    """Where the shopper is: a postcode or city, typed coordinates, or the browser's position
    (the inline script fills lat/lon). `clean` leaves the point in lat/lon, or None."""

    near = forms.CharField(
        label=_("Postcode or city"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 94032 or Passau")}),
    )
    lat = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        near = (cleaned.get("near") or "").strip()
        # What the shopper typed wins over a position the browser gave earlier.
        if near:
            match = COORDINATES.match(near)
            text_lat, text_lon = match.groups() if match else ("", "")
        else:
            text_lat, text_lon = cleaned.get("lat") or "", cleaned.get("lon") or ""
        cleaned["lat"] = cleaned["lon"] = None
        if not text_lat and not text_lon:
            return cleaned
        try:
            lat, lon = float(text_lat.replace(",", ".")), float(text_lon.replace(",", "."))
        except ValueError:
            lat = lon = float("nan")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            if near:
                self.add_error("near", _("These coordinates are not on the map."))
            else:
                raise forms.ValidationError(
                    _("Your position could not be read. Please type a postcode or city.")
                )
            return cleaned
        cleaned["lat"], cleaned["lon"] = lat, lon
        return cleaned


# Why an IBAN was refused (payments.sepa), in the shopper's words.
IBAN_MESSAGES = {
    "checksum": _("This IBAN's check digits do not match. Please check it for a typo."),
    "country": _("Direct debit needs an account in the SEPA area (e.g. an IBAN starting DE)."),
    "length": _("This IBAN has too many or too few characters."),
    "format": _("Enter your IBAN, e.g. DE89 3704 0044 0532 0130 00."),
}


class CheckoutForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        # Our own words: Django's German message addresses the shopper with "du".
        error_messages={"invalid": _("Enter a valid e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number (optional)"),
        help_text=_("For text messages about your order, e.g. 0151 23456789 or +49 151 23456789."),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    notify_by = forms.MultipleChoiceField(
        label=_("Tell me about my order by"),
        choices=[("email", _("E-mail")), ("sms", _("Text message (SMS)"))],
        initial=["email"],
        # Nothing ticked means the default, e-mail (SPEC §4), as for the API.
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    store = forms.ChoiceField(label=_("Pickup store"))
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (Order.PaymentMethod.CARD, _("Card: reserved now, charged only when you collect")),
            (
                Order.PaymentMethod.SEPA_DEBIT,
                _("Direct debit: debited from your account only after you collect"),
            ),
            (Order.PaymentMethod.PAY_IN_STORE, _("Pay in store at pickup")),
        ],
        initial=Order.PaymentMethod.CARD,
        widget=forms.RadioSelect,
    )
    allow_transfer = forms.BooleanField(
        label=_("If the store runs out, send it from another store (takes longer)"),
        required=False,
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=IBAN_INPUT_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
    account_holder = forms.CharField(
        label=_("Account holder"),
        max_length=ACCOUNT_HOLDER_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mandate_accepted = forms.BooleanField(
        label=_("I give the SEPA direct debit mandate above."), required=False
    )
    # The choices depend on the store and the stock: the page lists them, the service checks.
    pickup_slot = forms.CharField(label=_("Pickup time"), max_length=40, required=False)
    curbside = forms.BooleanField(
        label=_("Curbside pickup: we bring the order to your car"), required=False
    )
    campaign = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    # Unticked by default: consent is asked, never assumed; the mail that follows asks again.
    newsletter = forms.BooleanField(
        label=CONSENT_WORDINGS[CONSENT_WORDING_CURRENT], required=False, initial=False
    )

    def __init__(self, *args, store_choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("Choose a store")), *store_choices]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        if (
            "sms" in cleaned.get("notify_by", [])
            and not cleaned.get("phone")
            and ("phone" not in self.errors)
        ):
            self.add_error("phone", _("Give a mobile number for the text messages."))
        if cleaned.get("payment_method") != Order.PaymentMethod.SEPA_DEBIT:
            return cleaned
        try:
            iban_clean(cleaned.get("iban") or "")
        except DomainError as refusal:
            self.add_error("iban", IBAN_MESSAGES[refusal.extra["reason"]])
        holder = " ".join((cleaned.get("account_holder") or "").split())
        if not holder:
            self.add_error("account_holder", _("Enter the name of the account holder."))
        cleaned["account_holder"] = holder
        if not cleaned.get("mandate_accepted"):
            self.add_error("mandate_accepted", _("Please give the mandate to pay by direct debit."))
        return cleaned

    def clean_pickup_slot(self) -> datetime.datetime | None:
        value = self.cleaned_data["pickup_slot"].strip()
        if not value:
            return None
        try:
            slot = datetime.datetime.fromisoformat(value)
        except ValueError:
            slot = None
        if slot is None or slot.tzinfo is None:
            raise forms.ValidationError(_("Choose one of the pickup times in the list."))
        return slot

    def clean_phone(self) -> str:
        # Read as the stores' country reads it; the order service reads it again with the
        # chosen store's country.
        try:
            return phone_to_e164(self.cleaned_data["phone"])
        except InvalidPhoneNumber:
            raise forms.ValidationError(
                _("Enter a phone number, e.g. 0151 23456789 or +49 151 23456789.")
            ) from None

    def clean_notify_by(self) -> list[str]:
        return self.cleaned_data["notify_by"] or ["email"]


CANCEL_REASONS = [
    ("changed_mind", _("I changed my mind")),
    ("found_elsewhere", _("I found it somewhere else")),
    ("takes_too_long", _("It takes too long")),
    ("other", _("Another reason")),
]


class CancelForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why are you cancelling?"),
        choices=CANCEL_REASONS,
        initial="changed_mind",
        widget=forms.RadioSelect,
    )


class NewsletterForm(forms.Form):
    """The footer's subscription form; the address is checked again by the newsletter service."""

    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": _("name@example.com")}
        ),
    )
    wording_version = forms.CharField(max_length=20, widget=forms.HiddenInput)
