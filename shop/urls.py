from django.urls import path

from shop import newsletter, views

app_name = "shop"

urlpatterns = [
    path("", views.search, name="search"),
    path("products/<str:sku>/", views.product_detail, name="product"),
    path("products/<str:sku>/checkout/", views.checkout, name="checkout"),
    # The path the confirmation message links to (orders.messages.order_url).
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/cancel/", views.order_cancel_confirm, name="order_cancel"),
    path("orders/<str:number>/calendar.ics", views.order_calendar, name="order_calendar"),
    path("newsletter/", newsletter.subscribe, name="newsletter_subscribe"),
    # The links of the newsletter's mails (newsletter.messages); tokens are signed.
    path("newsletter/confirm/<str:token>/", newsletter.confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter.unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("newsletter/c/<str:token>/", newsletter.click, name="newsletter_click"),
]
