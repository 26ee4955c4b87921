"""Every domain app's models on the staff console: one module per app, registered on import.

Django's admin autodiscovery imports `console.admin`; the domain apps never import a screen.
"""

from console.admin import inventory, newsletter, orders, returns, stores  # noqa: F401
