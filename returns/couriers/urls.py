from django.urls import path

from returns.couriers.tracking import sandbox_tracking_page

urlpatterns = [
    path(
        "sandbox/track/<str:booking_id>/",
        sandbox_tracking_page,
        name="sandbox-courier-tracking",
    ),
]
