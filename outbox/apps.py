from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    """What every outbox table shares: claim, retry policy, relay, the one delivery task."""

    name = "outbox"

    def ready(self) -> None:
        # Every app's `handlers` module registers its outbox tables and kinds, like admin.py.
        autodiscover_modules("handlers")
