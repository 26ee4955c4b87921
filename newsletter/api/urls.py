from django.urls import path

from newsletter.api import views

urlpatterns = [
    path("newsletter/subscriptions/", views.SubscribeView.as_view(), name="newsletter-subscribe"),
    path("newsletter/confirm/", views.ConfirmView.as_view(), name="newsletter-confirm"),
    path("newsletter/unsubscribe/", views.UnsubscribeView.as_view(), name="newsletter-unsubscribe"),
    path(
        "customers/<int:customer_id>/consents/",
        views.CustomerConsentsView.as_view(),
        name="customer-consents",
    ),
]
