from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    verbose_name = _("Inventory")
    name = "inventory"
    default_auto_field = "django.db.models.BigAutoField"
