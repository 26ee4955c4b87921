from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Payments of orders, the gateways and the payment calls of the outbox."""

    name = "payments"
