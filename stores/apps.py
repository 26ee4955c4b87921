from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    verbose_name = _("Stores")
    name = "stores"
    default_auto_field = "django.db.models.BigAutoField"
