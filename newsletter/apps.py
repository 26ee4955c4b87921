from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """The newsletter touchpoint: consent with its proof, campaigns, tracked clicks, KPIs."""

    name = "newsletter"
