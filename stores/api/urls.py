from django.urls import path

from stores.api.views import StoreListView

urlpatterns = [
    path("stores/", StoreListView.as_view(), name="store-list"),
]
