from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.search, name="search"),
    path("products/<str:sku>/", views.product_detail, name="product"),
    path("products/<str:sku>/checkout/", views.checkout, name="checkout"),
    # The path the confirmation message links to (orders.messages.order_url).
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/cancel/", views.order_cancel_confirm, name="order_cancel"),
]
