"""The replica router's rules without a replica: which alias each read and write is given, the
middleware that opens the scope, and the settings that install them only when configured. The
real streaming replica is in test_read_replica.py."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from config.env import databases
from config.replica import (
    ReplicaReadsMiddleware,
    ReplicaRouter,
    replica_health,
    replica_reads,
    replica_reads_allowed,
)
from inventory.api.views import ProductAvailabilityView, ProductDetailView, ProductListView
from inventory.models import Product
from shop import views as shop_views
from stores.api.views import StoreListView
from stores.models import Store

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "HOST": "primary"}


def test_without_a_replica_url_there_is_only_the_primary_and_no_router(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)

    assert list(databases(dict(POSTGRES))) == ["default"]
    assert settings.DATABASE_ROUTERS == []


def test_a_replica_url_adds_the_replica_with_the_primarys_connection_settings(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica:5432/shop")
    monkeypatch.setenv("CONN_MAX_AGE", "30")

    configured = databases(dict(POSTGRES), health_checks=True)

    assert configured["replica"]["HOST"] == "replica"
    assert configured["replica"]["CONN_MAX_AGE"] == 30
    assert configured["replica"]["CONN_HEALTH_CHECKS"] is True
    assert configured["replica"]["TEST"] == {"MIRROR": "default"}
    assert configured["replica"]["OPTIONS"]["connect_timeout"] == 2


def test_a_pool_size_gives_each_postgresql_database_a_pool_and_no_kept_connection(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica:5432/shop")
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "4")
    monkeypatch.setenv("CONN_MAX_AGE", "60")

    configured = databases(dict(POSTGRES))

    for alias in ("default", "replica"):
        assert configured[alias]["OPTIONS"]["pool"] == {
            "min_size": 1,
            "max_size": 4,
            "timeout": 10.0,
        }
        assert configured[alias]["CONN_MAX_AGE"] == 0


def test_a_pool_size_is_ignored_on_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "4")

    configured = databases(dict(SQLITE))

    assert "pool" not in configured["default"].get("OPTIONS", {})


def test_reads_go_to_the_primary_outside_a_replica_scope():
    assert ReplicaRouter().db_for_read(Product) == "default"


def test_catalogue_and_store_reads_go_to_the_replica_inside_a_replica_scope():
    router = ReplicaRouter()

    with replica_reads_allowed():
        assert router.db_for_read(Product) == "replica"
        assert router.db_for_read(Store) == "replica"


def test_reads_of_other_apps_stay_on_the_primary_inside_a_replica_scope():
    with replica_reads_allowed():
        assert ReplicaRouter().db_for_read(Group) == "default"


def test_after_a_write_the_rest_of_the_scope_reads_the_primary():
    router = ReplicaRouter()

    with replica_reads_allowed():
        assert router.db_for_write(Group) == "default"
        assert router.db_for_read(Product) == "default"

    with replica_reads_allowed():
        assert router.db_for_read(Product) == "replica"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    router = ReplicaRouter()

    with replica_reads_allowed(), transaction.atomic():
        assert router.db_for_read(Product) == "default"


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()

    assert router.allow_migrate("default", "inventory") is True
    assert router.allow_migrate("replica", "inventory") is False


@pytest.fixture
def replica_answers(monkeypatch):
    monkeypatch.setattr("config.replica.replica_available", lambda: True)


def _alias_seen_by(view_func, method: str) -> str:
    """Runs a request through the middleware as Django's handler does: process_view, then the
    view, which reads a product."""
    seen = {}

    def get_response(request):
        middleware.process_view(request, view_func, (), {})
        seen["alias"] = ReplicaRouter().db_for_read(Product)
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(get_response)
    middleware(RequestFactory().generic(method, "/"))
    return seen["alias"]


@replica_reads
def _marked_view(request):
    return HttpResponse()


def _unmarked_view(request):
    return HttpResponse()


@replica_reads
class _MarkedClassView:
    pass


def _class_view(request):
    return HttpResponse()


_class_view.view_class = _MarkedClassView


def test_the_middleware_opens_the_replica_scope_for_get_and_head_of_a_marked_view(replica_answers):
    assert _alias_seen_by(_marked_view, "GET") == "replica"
    assert _alias_seen_by(_marked_view, "HEAD") == "replica"


def test_class_based_views_are_marked_through_their_class(replica_answers):
    assert _alias_seen_by(_class_view, "GET") == "replica"


def test_the_middleware_keeps_unsafe_methods_and_unmarked_views_on_the_primary(replica_answers):
    assert _alias_seen_by(_marked_view, "POST") == "default"
    assert _alias_seen_by(_unmarked_view, "GET") == "default"


def test_the_scope_ends_with_the_request(replica_answers):
    _alias_seen_by(_marked_view, "GET")

    assert ReplicaRouter().db_for_read(Product) == "default"


def test_without_a_replica_configured_the_middleware_opens_no_scope():
    assert _alias_seen_by(_marked_view, "GET") == "default"


def test_a_replica_that_does_not_answer_is_skipped_until_the_retry_interval_passed(monkeypatch):
    monkeypatch.setattr(replica_health, "down_until", time.monotonic() + 60)

    assert replica_health.answers() is False


def test_the_catalogue_and_availability_views_are_marked():
    for view in (ProductListView, ProductDetailView, ProductAvailabilityView, StoreListView):
        assert view.replica_reads is True
    assert shop_views.search.replica_reads is True
    assert shop_views.product_detail.replica_reads is True
