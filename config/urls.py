from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/hotline/", include("console.hotline.urls")),
    path("admin/channels/", include("console.channels.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file of its own, as the Content-Security-Policy needs.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("couriers/", include("returns.couriers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The shopper pages own the site root; keep them last so they never shadow another route.
    path("", include("shop.urls")),
]

handler404 = "api.views.not_found"
handler500 = "api.views.server_error"
