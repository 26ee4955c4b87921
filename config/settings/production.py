"""Production: refuses to start without a real SECRET_KEY; HTTPS-only cookies and HSTS."""

from django.core.exceptions import ImproperlyConfigured

from config.env import databases, env
from config.settings.base import *  # noqa: F403

SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or "not-secret" in SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random string of at least 50 characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default="").rstrip("/")
if not SHOP_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "Set SHOP_BASE_URL to the shop's public address, e.g. https://shop.example.com: every "
        "link in a message to a shopper starts with it."
    )
COURIER_TRACKING_URL = env.str(
    "COURIER_TRACKING_URL", default=f"{SHOP_BASE_URL}/couriers/sandbox/track/{{booking_id}}/"
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes from the orchestrator speak plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Connections kept a minute (or pooled with DATABASE_POOL_MAX_SIZE), checked before reuse.
DATABASES = databases(DATABASES["default"], conn_max_age=60, health_checks=True)  # noqa: F405
