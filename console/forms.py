"""Console forms. They only collect input; the views hand it to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inventory.services import MAX_COUNTED, MAX_DELIVERY_LINES
from orders.codes import pickup_code_normalise, pickup_code_well_formed
from stores.models import Store

MAX_RECEIPT = 10_000


class HandOverForm(forms.Form):
    pickup_code = forms.CharField(
        label=_("Pickup code"),
        required=False,
        # Room for "675 097" or "675-097": the separators are dropped, never the digits.
        max_length=16,
        help_text=_("The 6 digits the customer shows you."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )
    override_reason = forms.CharField(
        label=_("Manager override: reason"),
        required=False,
        max_length=200,
        help_text=_("Only when the customer cannot show the code; recorded with your name."),
    )

    def __init__(self, *args, may_override: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override_reason"]

    def clean_pickup_code(self) -> str:
        code = pickup_code_normalise(self.cleaned_data["pickup_code"])
        if code and not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The pickup code has digits only."))
        if code and not pickup_code_well_formed(code):
            # A typo, not a wrong code: it never reaches the service, so it does not count.
            raise forms.ValidationError(
                ngettext(
                    "The pickup code has 6 digits; you entered %(count)s.",
                    "The pickup code has 6 digits; you entered %(count)s.",
                    len(code),
                )
                % {"count": len(code)}
            )
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("pickup_code") and not cleaned.get("override_reason"):
            raise forms.ValidationError(_("Enter the pickup code."))
        return cleaned


class ShortageForm(forms.Form):
    """One field per order line: how many units are missing."""

    def __init__(self, *args, lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.quantity_to_supply > 0]
        for line in self.lines:
            self.fields[f"missing_{line.pk}"] = forms.IntegerField(
                label=f"{line.product.sku} {line.product.name}",
                min_value=0,
                max_value=line.quantity_to_supply,
                initial=0,
                help_text=_("%(count)s ordered") % {"count": line.quantity_to_supply},
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not any(cleaned.get(f"missing_{line.pk}") for line in self.lines):
            raise forms.ValidationError(_("Enter the missing units of at least one line."))
        return cleaned

    def missing(self) -> list[tuple[str, int]]:
        """(sku, units missing) for each line with a shortage."""
        return [
            (line.product.sku, self.cleaned_data[f"missing_{line.pk}"])
            for line in self.lines
            if self.cleaned_data.get(f"missing_{line.pk}")
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("The customer is told that the order was cancelled."),
    )


class StoreChoiceMixin(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.none(), label=_("Store"))

    def __init__(self, *args, stores, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores
        if len(stores) == 1:
            self.fields["store"].initial = stores[0]
            self.fields["store"].widget = forms.HiddenInput()


class StockReceiveForm(StoreChoiceMixin):
    """The head of a delivery; its lines are DeliveryLineFormSet."""

    reference = forms.CharField(
        label=_("Delivery note"),
        max_length=64,
        required=False,
        help_text=_("The number on the delivery note, to find this receipt in the ledger."),
    )


class DeliveryLineForm(forms.Form):
    code = forms.CharField(
        label=_("SKU or GTIN"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    quantity = forms.IntegerField(
        label=_("Units received"), min_value=1, max_value=MAX_RECEIPT, required=False
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        code, quantity = (cleaned.get("code") or "").strip(), cleaned.get("quantity")
        if code and quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", _("How many units arrived?"))
        if quantity is not None and not code:
            self.add_error("code", _("Which product? Scan or type its SKU or GTIN."))
        return cleaned


class BaseDeliveryLineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.filled():
            raise forms.ValidationError(_("Enter at least one line."))

    def codes(self) -> dict[int, str]:
        """Form index -> the code typed, for every line with a readable code (also in a formset
        with errors elsewhere)."""
        return {
            index: form.cleaned_data["code"].strip()
            for index, form in enumerate(self.forms)
            if (getattr(form, "cleaned_data", None) or {}).get("code", "").strip()
        }

    def filled(self) -> list[tuple[int, str, int]]:
        """(form index, code, units) of each line that was filled in."""
        return [
            (index, form.cleaned_data["code"].strip(), form.cleaned_data["quantity"])
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("code", "").strip()
        ]


DELIVERY_LINES_SHOWN = 8
DeliveryLineFormSet = forms.formset_factory(
    DeliveryLineForm,
    formset=BaseDeliveryLineFormSet,
    extra=DELIVERY_LINES_SHOWN,
    max_num=MAX_DELIVERY_LINES,
    validate_max=True,
)


class StockCountForm(StoreChoiceMixin):
    sku = forms.CharField(label=_("SKU or GTIN"), max_length=32)
    counted = forms.IntegerField(
        label=_("Units counted on the shelf"), min_value=0, max_value=MAX_COUNTED
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Why the count differs, e.g. damaged packaging, found in the back store."),
    )


class ReturnReceiveForm(forms.Form):
    """One pair of fields per return line: units that arrived and their condition."""

    CONDITIONS = (("resellable", _("Resellable")), ("defective", _("Defective")))

    def __init__(self, *args, lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.quantity > line.quantity_received]
        for line in self.lines:
            outstanding = line.quantity - line.quantity_received
            self.fields[f"received_{line.pk}"] = forms.IntegerField(
                label=f"{line.product.sku} {line.product.name}",
                min_value=0,
                max_value=outstanding,
                initial=outstanding,
                help_text=_("%(count)s expected") % {"count": outstanding},
            )
            self.fields[f"condition_{line.pk}"] = forms.ChoiceField(
                label=_("Condition"), choices=self.CONDITIONS
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not any(cleaned.get(f"received_{line.pk}") for line in self.lines):
            raise forms.ValidationError(_("Enter the units received of at least one line."))
        return cleaned

    def received(self) -> list[tuple[str, int, str]]:
        """(sku, units, condition) for each line that arrived."""
        return [
            (
                line.product.sku,
                self.cleaned_data[f"received_{line.pk}"],
                self.cleaned_data[f"condition_{line.pk}"],
            )
            for line in self.lines
            if self.cleaned_data.get(f"received_{line.pk}")
        ]


class TransferShipForm(forms.Form):
    """A pick confirmation: one box per line, all ticked before the transfer leaves."""

    def __init__(self, *args, lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"picked_{line.pk}"] = forms.BooleanField(
                label=_("%(quantity)s × %(sku)s %(name)s picked and packed")
                % {"quantity": line.quantity, "sku": line.product.sku, "name": line.product.name},
                required=True,
                error_messages={"required": _("Tick each line once it is picked.")},
            )


class TransferReceiveForm(forms.Form):
    """Nothing to enter: the units that arrived are the units shipped."""

    def __init__(self, *args, lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class TransferRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it cannot be sent"),
        max_length=200,
        help_text=_(
            "E.g. not on the shelf. Another store is asked; if none has it, the hotline "
            "takes over. Correct the count afterwards."
        ),
    )

    def __init__(self, *args, lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)


class CounterForm(forms.Form):
    """The counter's one box: a scanned QR code, an order number or a pickup code."""

    q = forms.CharField(label=_("Scan or type"), max_length=64, required=False)
    store = forms.CharField(max_length=12, required=False, widget=forms.HiddenInput())


class HandInForm(forms.Form):
    """A return handed in at the counter: per order line the units brought back (proposed: all
    that can still come back) and their condition, and why."""

    CONDITIONS = ReturnReceiveForm.CONDITIONS

    def __init__(self, *args, lines, reasons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.returnable > 0]
        self.fields["reason"] = forms.ChoiceField(
            # No reason is preselected: the clerk asks the customer.
            label=_("Why is it coming back?"),
            choices=[("", "—"), *reasons.items()],
        )
        for line in self.lines:
            product = line.order_line.product
            self.fields[f"units_{line.order_line.pk}"] = forms.IntegerField(
                label=f"{product.sku} {product.name}",
                min_value=0,
                max_value=line.returnable,
                initial=line.returnable,
                help_text=_("%(count)s can come back") % {"count": line.returnable},
            )
            self.fields[f"condition_{line.order_line.pk}"] = forms.ChoiceField(
                label=_("Condition"), choices=self.CONDITIONS
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not self.handed_in():
            raise forms.ValidationError(_("Enter the units handed in of at least one line."))
        return cleaned

    def handed_in(self) -> list[tuple[str, int, str]]:
        """(sku, units, condition) of each line brought back."""
        return [
            (
                line.order_line.product.sku,
                self.cleaned_data[f"units_{line.order_line.pk}"],
                self.cleaned_data[f"condition_{line.order_line.pk}"],
            )
            for line in self.lines
            if self.cleaned_data.get(f"units_{line.order_line.pk}")
        ]
