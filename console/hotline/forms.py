"""The hotline's search box and the guided exchange form. The form only parses what was typed;
the rules (what may come back, when a courier can come) are exchange_open's, and its errors are
put back next to the fields they name."""

import datetime
import re
from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.exceptions import DomainError
from console.hotline.selectors import ReturnableLine
from console.hotline.timeline import REASONS
from returns.addresses import COLLECTION_COUNTRIES, collection_problems
from returns.services import MAX_LINE_QUANTITY, CollectionInput, ReturnLineInput

DEFAULT_WINDOW = (datetime.time(8, 0), datetime.time(12, 0))
COUNTRY_NAMES = {
    "DE": gettext_lazy("Germany"),
    "AT": gettext_lazy("Austria"),
    "CH": gettext_lazy("Switzerland"),
    "LU": gettext_lazy("Luxembourg"),
    "BE": gettext_lazy("Belgium"),
    "DK": gettext_lazy("Denmark"),
    "NL": gettext_lazy("Netherlands"),
    "FR": gettext_lazy("France"),
    "PL": gettext_lazy("Poland"),
    "CZ": gettext_lazy("Czechia"),
}

# Where exchange_open (and order_place under it) names a field, and which form field shows it.
SERVICE_FIELDS = {
    "reason": "reason",
    "collection.date": "date",
    "collection.window_start": "window_start",
    "collection.window_end": "window_end",
    "collection.address.name": "name",
    "collection.address.line1": "line1",
    "collection.address.postcode": "postcode",
    "collection.address.country": "country",
    "collection.address.city": "city",
    "pickup_store": "replacement_store",
}
_LINE_KEY = re.compile(r"lines\[(\d+)\]\.quantity")

# What the agent reads, by the stable code the service gives each field it refuses.
FIELD_CODE_MESSAGES = {
    "window_ends_before_start": gettext_lazy("The window must end after it starts."),
    "window_passed": gettext_lazy(
        "This window has already started or passed: choose a later date or time."
    ),
    "required": gettext_lazy("This field is required."),
    "lines_required": gettext_lazy("Choose at least one item and how many come back."),
    "invalid_postcode": gettext_lazy(
        "Not a postcode of this country (Germany: 5 digits, Austria: 4 digits)."
    ),
    "unsupported_country": gettext_lazy("Couriers do not collect in this country."),
    "quantity_out_of_range": format_lazy(
        gettext_lazy("Between 1 and {max} units."), max=MAX_LINE_QUANTITY
    ),
}
CODE_MESSAGES = {
    "return_exceeds_collected": gettext_lazy(
        "More units than the customer collected and has not yet returned"
    ),
    "unknown_store": gettext_lazy("No such store."),
    "store_not_click_and_collect": gettext_lazy("This store does not offer click and collect."),
    "order_not_collected": gettext_lazy("Only a collected order can be exchanged."),
    "order_limit_reached": gettext_lazy(
        "The customer has too many open orders for another replacement."
    ),
}


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": gettext_lazy("E-mail, phone, order number, RMA number or name"),
                "autofocus": True,
                "type": "search",
                "size": 48,
            }
        ),
    )


class ExchangeForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with it?"),
        choices=list(REASONS.items()),
        widget=forms.RadioSelect,
    )
    replacement_store = forms.CharField(
        label=gettext_lazy("Replacement waits at"), max_length=12, widget=forms.HiddenInput
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    line1 = forms.CharField(label=gettext_lazy("Street and number"), max_length=120)
    line2 = forms.CharField(label=gettext_lazy("Address line 2"), max_length=120, required=False)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=10)
    city = forms.CharField(label=gettext_lazy("City"), max_length=80)
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        choices=[(code, COUNTRY_NAMES.get(code, code)) for code in COLLECTION_COUNTRIES],
        initial="DE",
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone for the courier"), max_length=16, required=False
    )
    date = forms.DateField(
        label=gettext_lazy("Collection date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    window_start = forms.TimeField(
        label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    window_end = forms.TimeField(
        label=gettext_lazy("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, lines: Sequence[ReturnableLine], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        self.lines_errors: list[str] = []
        for line in self.lines:
            # The bound is said at once; exchange_open checks it again under the order's lock.
            self.fields[line.field_name] = forms.IntegerField(
                label=line.order_line.product.name,
                min_value=0,
                max_value=line.returnable,
                required=False,
                # What comes back is usually everything that can: the agent lowers it if not.
                initial=line.returnable,
                widget=forms.NumberInput(attrs={"class": "hotline-quantity"}),
            )

    @staticmethod
    def initial_for(*, order, last_booking) -> dict:
        """Name and phone from the customer, the address the courier last came to, tomorrow's
        morning window, and the store where the order was collected."""
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        initial = {
            "name": order.customer.name,
            "phone": order.customer.phone,
            "date": tomorrow,
            "window_start": DEFAULT_WINDOW[0],
            "window_end": DEFAULT_WINDOW[1],
            "replacement_store": order.pickup_store.code,
            "country": "DE",
        }
        if last_booking is not None:
            for field in ("line1", "line2", "postcode", "city", "country"):
                initial[field] = getattr(last_booking, field)
        return initial

    def courier_wanted(self) -> bool:
        return True

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return valid and not self.lines_errors

    def clean(self) -> dict:
        """Everything exchange_open would refuse before it locks anything, all in one round:
        nothing chosen to come back, the address and its postcode, the courier window."""
        data = super().clean()
        lines_refused = any(line.field_name in self.errors for line in self.lines)
        if not lines_refused and not self.chosen_lines():
            self.lines_errors.append(str(FIELD_CODE_MESSAGES["lines_required"]))
        if not self.courier_wanted():
            return data
        problems = collection_problems(
            name=data.get("name", ""),
            line1=data.get("line1", ""),
            postcode=data.get("postcode", ""),
            city=data.get("city", ""),
            country=data.get("country", ""),
            date=data.get("date"),
            window_start=data.get("window_start"),
            window_end=data.get("window_end"),
            now=timezone.now(),
        )
        for key, problem in problems.items():
            field = SERVICE_FIELDS.get(key)
            if field in self.fields and field not in self.errors:
                self.add_error(field, _field_code_text(problem.code, problem.message))
        return data

    def line_rows(self) -> list[tuple[ReturnableLine, forms.BoundField]]:
        return [(line, self[line.field_name]) for line in self.lines]

    def chosen_lines(self) -> list[tuple[ReturnableLine, int]]:
        """(line, quantity) for every line with a quantity above 0, in order; after is_valid."""
        chosen = []
        for line in self.lines:
            quantity = self.cleaned_data.get(line.field_name) or 0
            if quantity > 0:
                chosen.append((line, quantity))
        return chosen

    def line_inputs(self) -> list[ReturnLineInput]:
        return [
            ReturnLineInput(sku=line.order_line.product.sku, quantity=quantity)
            for line, quantity in self.chosen_lines()
        ]

    def collection_input(self) -> CollectionInput:
        data = self.cleaned_data
        return CollectionInput(
            name=data["name"],
            line1=data["line1"],
            line2=data["line2"],
            postcode=data["postcode"],
            city=data["city"],
            country=data["country"],
            phone=data["phone"],
            date=data["date"],
            window_start=data["window_start"],
            window_end=data["window_end"],
        )

    def add_service_error(self, error: DomainError) -> None:
        """Shows a refusal of exchange_open next to the fields its `fields` name."""
        chosen = self.chosen_lines()
        placed = False
        for key, messages in (error.fields or {}).items():
            texts = [self._message(error, key, message) for message in _as_list(messages)]
            line_key = _LINE_KEY.fullmatch(key)
            if line_key and int(line_key.group(1)) < len(chosen):
                self.add_error(chosen[int(line_key.group(1))][0].field_name, texts)
                placed = True
            elif key == "lines":
                self.lines_errors.extend(texts)
                placed = True
            elif SERVICE_FIELDS.get(key) in self.fields:
                self.add_error(SERVICE_FIELDS[key], texts)
                placed = True
        if not placed:
            self.add_error(None, str(CODE_MESSAGES.get(error.code, error.detail)))

    @staticmethod
    def _message(error: DomainError, key: str, message) -> str:
        if error.code == "return_exceeds_collected":
            return f"{CODE_MESSAGES[error.code]} ({message})"
        if error.code in ("unknown_store", "store_not_click_and_collect"):
            return str(CODE_MESSAGES[error.code])
        if error.code == "insufficient_stock" and isinstance(message, dict):
            return _("%(sku)s: only %(available)s available") % {
                "sku": message.get("sku", ""),
                "available": message.get("available", 0),
            }
        return _field_code_text(error.field_codes.get(key), str(message))


def _field_code_text(code: str | None, fallback: str) -> str:
    """What the agent reads for a refused field, by its stable code; the service's English
    only for a code we have no words for."""
    if code == "too_far_ahead":
        return _("Couriers are booked at most %(days)s days ahead.") % {
            "days": settings.COURIER_MAX_DAYS_AHEAD
        }
    if code in FIELD_CODE_MESSAGES:
        return str(FIELD_CODE_MESSAGES[code])
    return fallback


def _as_list(messages) -> list:
    return messages if isinstance(messages, list) else [messages]


COURIER_FIELDS = ("name", "line1", "line2", "postcode", "city", "country", "phone", "date",
                  "window_start", "window_end")  # fmt: skip


class RefundForm(ExchangeForm):
    """A refund return: the same lines, reason and courier fields as an exchange, no replacement;
    the courier is optional — without it the customer brings the item to the store."""

    COURIER = "courier"
    STORE = "store"

    how = forms.ChoiceField(
        label=gettext_lazy("How does it come back?"),
        choices=[
            (COURIER, gettext_lazy("A courier collects it")),
            (STORE, gettext_lazy("The customer brings it to the store")),
        ],
        initial=COURIER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["replacement_store"]
        if self.is_bound and self.data.get("how") == self.STORE:
            for name in COURIER_FIELDS:
                self.fields[name].required = False

    def courier_wanted(self) -> bool:
        return self.cleaned_data.get("how") == self.COURIER

    def collection_input_or_none(self) -> CollectionInput | None:
        return self.collection_input() if self.courier_wanted() else None
