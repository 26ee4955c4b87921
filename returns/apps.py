from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    verbose_name = _("Returns")
    name = "returns"
    default_auto_field = "django.db.models.BigAutoField"
