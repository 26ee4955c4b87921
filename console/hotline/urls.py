from django.urls import path

from console.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.search, name="search"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
    path("orders/<str:number>/exchange/", views.exchange_start, name="exchange"),
    path("orders/<str:number>/refund/", views.refund_start, name="refund"),
    path("orders/<str:number>/exchange/stores/", views.exchange_stores, name="exchange_stores"),
    path("cases/<str:number>/", views.case_detail, name="case"),
]
