from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Messages to customers: the outbox rows, rendering, e-mail and SMS, the frequency cap."""

    name = "messaging"
