from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payments of orders, the gateways and the payment calls of the outbox."""

    verbose_name = _("Payments")
    name = "payments"
