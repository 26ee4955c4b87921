from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    verbose_name = _("Orders")
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"
