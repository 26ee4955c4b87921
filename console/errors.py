"""Domain errors as the console shows them: in the user's language, by the error's code."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.exceptions import DomainError


def domain_error_message(error: DomainError) -> str:
    messages = {
        "invalid_transition": _("The order cannot do this in its current state."),
        "permission_denied": _("You may not do this to this order."),
        "hand_over_locked": _(
            "Too many wrong pickup codes: hand-over is locked until a store manager overrides it."
        ),
        "override_not_permitted": _("Only a manager of this store may hand over without the code."),
        "reason_required": _("A reason is required."),
        "count_below_reserved": _(
            "The count is below what is reserved for orders; hand over or release those first."
        ),
        "unknown_sku": _("No product with this SKU."),
        "unknown_store": _("No such store."),
        "invalid_quantity": _("Enter a whole number within the allowed range."),
        "invalid_pickup_code": _("A pickup code has 6 digits."),
        "invalid_transfer_state": _("The transfer cannot do this in its current state."),
        "reservation_not_held": _(
            "The units reserved for this transfer are no longer held; correct the count."
        ),
    }
    if error.code == "wrong_pickup_code":
        left = error.extra.get("attempts_left")
        if left is not None:
            return ngettext(
                "Wrong pickup code. %(left)s attempt left.",
                "Wrong pickup code. %(left)s attempts left.",
                left,
            ) % {"left": left}
        return _("Wrong pickup code.")
    return messages.get(error.code, error.detail)
