from django.urls import path

from returns.api import views

urlpatterns = [
    path("exchanges/", views.ExchangeCreateView.as_view(), name="exchange-create"),
    path("returns/", views.ReturnCreateView.as_view(), name="return-create"),
    path("returns/<str:number>/", views.ReturnCaseDetailView.as_view(), name="return-detail"),
    path(
        "returns/<str:number>/receive/",
        views.ReturnCaseReceiveView.as_view(),
        name="return-receive",
    ),
    path("customers/", views.CustomerSearchView.as_view(), name="customer-search"),
    path(
        "customers/<int:customer_id>/timeline/",
        views.CustomerTimelineView.as_view(),
        name="customer-timeline",
    ),
    path(
        "couriers/<str:provider>/webhook/",
        views.CourierWebhookView.as_view(),
        name="courier-webhook",
    ),
]
