from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers, their contact data and consent."""

    name = "customers"
