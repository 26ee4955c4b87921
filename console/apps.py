from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The staff console's own pages, selectors, templates and template tags."""

    name = "console"
