from django.urls import path

from inventory.api.views import (
    ProductAvailabilityView,
    ProductDetailView,
    ProductListView,
    StoreStockView,
)

urlpatterns = [
    path("products/", ProductListView.as_view(), name="product-list"),
    path("products/<str:sku>/", ProductDetailView.as_view(), name="product-detail"),
    path(
        "products/<str:sku>/availability/",
        ProductAvailabilityView.as_view(),
        name="product-availability",
    ),
    path("stores/<str:code>/stock/", StoreStockView.as_view(), name="store-stock"),
]
