"""Availability answers remember stores' hours for a while; an edit shows once that time is up."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stores import selectors
from stores.models import OpeningHours
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory, opening_hours_set

pytestmark = pytest.mark.django_db

# A Monday, 07:00 in Passau.
MONDAY_MORNING = datetime.datetime(2026, 11, 23, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def memory(settings):
    settings.STORE_SCHEDULE_CACHE_SECONDS = 60
    selectors._schedule_cache.clear()
    yield
    selectors._schedule_cache.clear()


@pytest.fixture
def drill_in_passau():
    store = opening_hours_set(StoreFactory(code="PAS-01"))
    product = ProductFactory(sku="DRILL-18V")
    StockLevelFactory(store=store, product=product, on_hand=3)
    return product


def answer(product):
    from inventory.selectors import availability_for_sku

    with CaptureQueriesContext(connection) as queries:
        (row,) = availability_for_sku(product=product, now=MONDAY_MORNING)
    return row.ready_by, len(queries)


def test_a_second_answer_within_the_time_reads_no_hours_again(memory, drill_in_passau):
    first, first_queries = answer(drill_in_passau)

    second, second_queries = answer(drill_in_passau)

    assert second == first
    assert second_queries == first_queries - 2


def test_changed_hours_show_once_the_time_is_up(memory, drill_in_passau, monkeypatch):
    before, _ = answer(drill_in_passau)
    OpeningHours.objects.filter(weekday=0).update(opens=datetime.time(10, 0))
    later = selectors.time.monotonic() + 61
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)

    after, _ = answer(drill_in_passau)

    assert (before.hour, after.hour) == (10, 12)


def test_without_the_memory_every_answer_reads_the_hours(settings, drill_in_passau):
    settings.STORE_SCHEDULE_CACHE_SECONDS = 0

    _, first_queries = answer(drill_in_passau)
    _, second_queries = answer(drill_in_passau)

    assert first_queries == second_queries
