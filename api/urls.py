"""The v1 URL root: the token exchange and each app's API package."""

from django.urls import include, path

from api.views import TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("", include("stores.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("returns.api.urls")),
    path("", include("newsletter.api.urls")),
]
