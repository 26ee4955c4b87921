from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customers, their contact data and consent."""

    verbose_name = _("Customers")
    name = "customers"
