from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Messages to customers: the outbox rows, rendering, e-mail and SMS, the frequency cap."""

    verbose_name = _("Messages")
    name = "messaging"
