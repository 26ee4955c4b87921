"""Every row of the project's tables, to prove that a refused request wrote nothing at all."""

from django.apps import apps

# The tables a refused request must leave exactly as they were (every row, every column).
WATCHED_APPS = (
    "auth",
    "authtoken",
    "api",
    "stores",
    "inventory",
    "customers",
    "orders",
    "payments",
    "messaging",
    "returns",
    "outbox",
    "newsletter",
)


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every watched table, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy
    }
