"""The site's URLs plus two views for the read-replica test: one marked for the replica that
writes in the middle of its request, and one left unmarked."""

from django.contrib.auth.models import Group
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.replica import replica_reads
from config.urls import urlpatterns as site_urlpatterns
from inventory.models import Product


def _name(sku: str) -> str:
    return Product.objects.get(sku=sku).name


@replica_reads
def write_then_read(request: HttpRequest, sku: str) -> JsonResponse:
    before = _name(sku)
    Group.objects.create(name=f"replica-test-write-{Group.objects.count()}")
    return JsonResponse({"before_write": before, "after_write": _name(sku)})


def unmarked_read(request: HttpRequest, sku: str) -> JsonResponse:
    return JsonResponse({"name": _name(sku)})


urlpatterns = [
    path("replica-test/write-then-read/<str:sku>/", write_then_read),
    path("replica-test/unmarked/<str:sku>/", unmarked_read),
    *site_urlpatterns,
]
