from django.urls import path

from orders.api import views

urlpatterns = [
    path(
        "stores/<str:code>/pickup-slots/",
        views.PickupSlotListView.as_view(),
        name="store-pickup-slots",
    ),
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path(
        "orders/<str:number>/start-picking/",
        views.OrderStartPickingView.as_view(),
        name="order-start-picking",
    ),
    path(
        "orders/<str:number>/mark-ready/",
        views.OrderMarkReadyView.as_view(),
        name="order-mark-ready",
    ),
    path(
        "orders/<str:number>/report-shortage/",
        views.OrderReportShortageView.as_view(),
        name="order-report-shortage",
    ),
    path(
        "orders/<str:number>/hand-over/", views.OrderHandOverView.as_view(), name="order-hand-over"
    ),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path(
        "transfers/<str:transfer_id>/ship/", views.TransferShipView.as_view(), name="transfer-ship"
    ),
    path(
        "transfers/<str:transfer_id>/receive/",
        views.TransferReceiveView.as_view(),
        name="transfer-receive",
    ),
    path(
        "transfers/<str:transfer_id>/cannot-send/",
        views.TransferCannotSendView.as_view(),
        name="transfer-cannot-send",
    ),
]
