from django.contrib.admin.apps import AdminConfig


class StaffConsoleAdminConfig(AdminConfig):
    """django.contrib.admin with the branded staff console as its default site, so every
    `admin.site.register` (auth's users and groups included) lands on the console."""

    default_site = "console.sites.StaffConsoleSite"
