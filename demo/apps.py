from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app and `manage.py seed_demo`; it sits above everything."""

    name = "demo"
