from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """The newsletter touchpoint: consent with its proof, campaigns, tracked clicks, KPIs."""

    verbose_name = _("Newsletter")
    name = "newsletter"
