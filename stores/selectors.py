"""Reads about stores: which are near a point, when they open, when an order can be ready there.

Distances are great-circle (haversine) distances computed in Python over a light query, so the
same code runs on PostgreSQL and SQLite and the number of queries does not grow with the stores.
Opening times are computed in each store's own time zone and compared in UTC, so a change to or
from daylight saving time never shifts a store's hours.
"""

import datetime
import math
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from config.exceptions import InvalidInput, NotFound
from stores.models import PICKUP_SLOT_LENGTH, OpeningHours, PickupSlot, Store, StoreClosure
from stores.roles import User, user_is_agent, user_works_at

EARTH_RADIUS_KM = 6371.0088
EARTH_CIRCUMFERENCE_KM = 40_075
# How far ahead we look for an opening; a store closed for longer is treated as not opening.
OPENING_HORIZON_DAYS = 60
# Pickup slots are bookable this many days ahead.
PICKUP_SLOT_HORIZON_DAYS = 14


@dataclass(frozen=True)
class StoreDistance:
    store: Store
    distance_km: float | None


@dataclass(frozen=True)
class StoreSchedule:
    """A store's weekly hours and closed days, enough to compute opening times without queries."""

    timezone: str
    hours: tuple[tuple[int, datetime.time, datetime.time], ...]
    closed_dates: frozenset[datetime.date]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points on the Earth, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def store_list_for_click_and_collect() -> QuerySet[Store]:
    """Active stores that take click-and-collect orders."""
    return Store.objects.filter(is_active=True, click_and_collect_enabled=True)


def _number_within(value: object, low: float, high: float) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not math.isnan(value)
        and low <= value <= high
    )


def validate_point(
    *,
    latitude: float | None,
    longitude: float | None,
    radius_km: float | None = None,
    limit: int | None = None,
) -> None:
    """Raises InvalidInput naming each bad field; a point is both coordinates or neither."""
    fields: dict[str, list[str]] = {}
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        fields[missing] = ["Give both latitude and longitude, or neither."]
    if latitude is not None and not _number_within(latitude, -90, 90):
        fields["latitude"] = ["Must be a number from -90 to 90."]
    if longitude is not None and not _number_within(longitude, -180, 180):
        fields["longitude"] = ["Must be a number from -180 to 180."]
    if radius_km is not None:
        if latitude is None or longitude is None:
            fields.setdefault("radius_km", ["A radius needs a point (latitude and longitude)."])
        elif not _number_within(radius_km, 0, EARTH_CIRCUMFERENCE_KM) or radius_km == 0:
            fields["radius_km"] = ["Must be a number of kilometres greater than 0."]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        fields["limit"] = ["Must be a whole number of at least 1."]
    if fields:
        raise InvalidInput("The location is not valid.", fields=fields)


def store_ids_by_distance(
    *,
    latitude: float | None,
    longitude: float | None,
    radius_km: float | None = None,
    limit: int | None = None,
    exclude_store_id: int | None = None,
) -> list[tuple[int, float | None]]:
    """(store id, distance in km) of click-and-collect stores, nearest first; by code without a
    point. One light query, whatever the number of stores."""
    validate_point(latitude=latitude, longitude=longitude, radius_km=radius_km, limit=limit)
    rows = store_list_for_click_and_collect()
    if exclude_store_id is not None:
        rows = rows.exclude(pk=exclude_store_id)
    if latitude is None or longitude is None:
        ids = [(pk, None) for pk in rows.order_by("code").values_list("pk", flat=True)]
        return ids[:limit] if limit is not None else ids
    measured = [
        (distance_km(latitude, longitude, store_lat, store_lon), code, pk)
        for pk, code, store_lat, store_lon in rows.values_list(
            "pk", "code", "latitude", "longitude"
        )
    ]
    if radius_km is not None:
        measured = [row for row in measured if row[0] <= radius_km]
    measured.sort()
    if limit is not None:
        measured = measured[:limit]
    return [(pk, distance) for distance, _, pk in measured]


def store_list_by_distance(
    *,
    latitude: float | None,
    longitude: float | None,
    radius_km: float | None = None,
    limit: int | None = None,
) -> list[StoreDistance]:
    """Click-and-collect stores nearest first (by code, distance None, without a point), with
    their weekly hours prefetched; 3 queries whatever their number."""
    ranked = store_ids_by_distance(
        latitude=latitude, longitude=longitude, radius_km=radius_km, limit=limit
    )
    stores = Store.objects.prefetch_related("opening_hours").in_bulk([pk for pk, _ in ranked])
    return [StoreDistance(store=stores[pk], distance_km=distance) for pk, distance in ranked]


def store_schedules(
    *,
    stores: Collection[Store],
    today: datetime.date,
    among: QuerySet[Store] | None = None,
) -> dict[int, StoreSchedule]:
    """The schedules of these stores from today on, in 2 queries whatever their number.

    `among`, a queryset holding all the stores, filters by a subquery instead of a long list of
    ids. Stores with the same hours and closures share one StoreSchedule object, so callers can
    compute each distinct schedule once.
    """
    if not stores:
        return {}
    store_ids = [store.id for store in stores]
    hours_rows = OpeningHours.objects.order_by()
    closures = StoreClosure.objects.filter(**_closure_window(today)).order_by()
    if among is not None:
        hours_rows = hours_rows.filter(store__in=among.values("pk"))
        closures = closures.filter(store__in=among.values("pk"))
    else:
        hours_rows = hours_rows.filter(store_id__in=store_ids)
        closures = closures.filter(store_id__in=store_ids)

    # Each distinct (weekday, opens, closes) gets a number; a store's hours are the numbers it
    # has, so comparing and sharing schedules hashes a few small integers, not times.
    distinct: list[tuple[int, datetime.time, datetime.time]] = []
    numbers_of: dict[int, list[int]] = {pk: [] for pk in store_ids}
    if connections[hours_rows.db].vendor == "postgresql":
        # Chains keep the same hours in most stores: one row per distinct opening with the
        # stores that have it is a handful of rows instead of six per store.
        for weekday, opens, closes, ids in (
            hours_rows.values("weekday", "opens", "closes")
            .annotate(store_ids=ArrayAgg("store_id"))
            .order_by("weekday", "opens", "closes")
            .values_list("weekday", "opens", "closes", "store_ids")
        ):
            number = len(distinct)
            distinct.append((weekday, opens, closes))
            for store_id in ids:
                if store_id in numbers_of:
                    numbers_of[store_id].append(number)
    else:
        number_of_row: dict[tuple[int, datetime.time, datetime.time], int] = {}
        for store_id, *row in hours_rows.order_by("weekday", "opens", "closes").values_list(
            "store_id", "weekday", "opens", "closes"
        ):
            number = number_of_row.setdefault(tuple(row), len(number_of_row))
            if number == len(distinct):
                distinct.append(tuple(row))
            if store_id in numbers_of:
                numbers_of[store_id].append(number)
    closed: dict[int, frozenset[datetime.date]] = {}
    for store_id, date in closures.values_list("store_id", "date"):
        closed[store_id] = closed.get(store_id, frozenset()) | {date}

    no_closures: frozenset[datetime.date] = frozenset()
    shared: dict[tuple, StoreSchedule] = {}
    schedules = {}
    for store in stores:
        key = (store.timezone, tuple(numbers_of[store.id]), closed.get(store.id, no_closures))
        schedule = shared.get(key)
        if schedule is None:
            schedule = shared[key] = StoreSchedule(
                timezone=store.timezone,
                hours=tuple(distinct[number] for number in key[1]),
                closed_dates=key[2],
            )
        schedules[store.id] = schedule
    return schedules


# (store id, day) -> (expires at, schedule). Opening hours change a few times a year but are read
# for every availability answer across hundreds of stores; see STORE_SCHEDULE_CACHE_SECONDS.
_schedule_cache: dict[tuple[int, datetime.date], tuple[float, StoreSchedule]] = {}


def store_schedules_cached(
    *,
    stores: Collection[Store],
    today: datetime.date,
    among: QuerySet[Store] | None = None,
) -> dict[int, StoreSchedule]:
    """store_schedules, remembered in this process for STORE_SCHEDULE_CACHE_SECONDS (0: off), so
    a change of hours or a new closure shows within that time."""
    seconds = settings.STORE_SCHEDULE_CACHE_SECONDS
    if seconds <= 0:
        return store_schedules(stores=stores, today=today, among=among)
    clock = time.monotonic()
    missing = [
        store for store in stores if _schedule_cache.get((store.id, today), (0.0, None))[0] <= clock
    ]
    if missing:
        fresh = store_schedules(
            stores=missing, today=today, among=among if len(missing) == len(stores) else None
        )
        for store_id, schedule in fresh.items():
            _schedule_cache[(store_id, today)] = (clock + seconds, schedule)
    return {store.id: _schedule_cache[(store.id, today)][1] for store in stores}


def _closure_window(today: datetime.date) -> dict[str, datetime.date]:
    # From the day before: "today" in UTC may still be yesterday in a store's zone.
    return {
        "date__gte": today - datetime.timedelta(days=1),
        "date__lte": today + datetime.timedelta(days=OPENING_HORIZON_DAYS + 1),
    }


def store_schedule(*, store: Store, today: datetime.date) -> StoreSchedule:
    """One store's schedule; uses prefetched opening hours when the store has them."""
    prefetched = getattr(store, "_prefetched_objects_cache", {})
    if "opening_hours" not in prefetched:
        return store_schedules(stores=[store], today=today)[store.pk]
    hours = tuple(
        sorted((row.weekday, row.opens, row.closes) for row in prefetched["opening_hours"])
    )
    closed = frozenset(
        StoreClosure.objects.filter(store=store, **_closure_window(today)).values_list(
            "date", flat=True
        )
    )
    return StoreSchedule(timezone=store.timezone, hours=hours, closed_dates=closed)


def _open_intervals(
    schedule: StoreSchedule, start: datetime.datetime
) -> Iterable[tuple[datetime.datetime, datetime.datetime]]:
    """The store's open intervals in UTC, from the local day of `start` on, in time order."""
    zone = ZoneInfo(schedule.timezone)
    by_weekday: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, opens, closes in schedule.hours:
        by_weekday.setdefault(weekday, []).append((opens, closes))
    day = start.astimezone(zone).date()
    for _ in range(OPENING_HORIZON_DAYS + 1):
        if day not in schedule.closed_dates:
            for opens, closes in by_weekday.get(day.weekday(), ()):
                yield (
                    datetime.datetime.combine(day, opens, tzinfo=zone).astimezone(datetime.UTC),
                    datetime.datetime.combine(day, closes, tzinfo=zone).astimezone(datetime.UTC),
                )
        day += datetime.timedelta(days=1)


def schedule_open_after(
    schedule: StoreSchedule, *, start: datetime.datetime, open_minutes: float = 0
) -> datetime.datetime | None:
    """The moment `open_minutes` of opening time after `start` have passed, in the store's zone.

    Work such as picking happens only while the store is open, so the time is counted through
    open intervals only. With 0 minutes this is the next moment the store is open (`start`
    itself when it is open then). None when the store does not open within the horizon.
    """
    if not schedule.hours:
        return None
    start = start.astimezone(datetime.UTC)
    remaining = datetime.timedelta(minutes=open_minutes)
    for opens, closes in _open_intervals(schedule, start):
        if closes <= start:
            continue
        begin = max(opens, start)
        if remaining < closes - begin:
            return (begin + remaining).astimezone(ZoneInfo(schedule.timezone))
        remaining -= closes - begin
    return None


def ready_by_from_schedule(
    schedule: StoreSchedule, *, now: datetime.datetime, via_transfer: bool
) -> datetime.datetime | None:
    """When an order can be collected: after picking during opening hours, and first the
    transfer's travel time when the stock must come from another store."""
    # Promised to the minute: a shopper is told 10:00, not 09:59:37.
    start = now.replace(second=0, microsecond=0)
    if start != now:
        start += datetime.timedelta(minutes=1)
    if via_transfer:
        start += datetime.timedelta(hours=settings.TRANSFER_LEAD_TIME_HOURS)
    return schedule_open_after(
        schedule, start=start, open_minutes=settings.PICKING_LEAD_TIME_MINUTES
    )


def _require_aware(value: datetime.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{name} must carry a time zone.", fields={name: ["Needs a time zone."]})


def store_next_open_at(*, store: Store, after: datetime.datetime) -> datetime.datetime | None:
    """The first moment at or after `after` when the store is open (in its own time zone);
    None when it does not open within the next OPENING_HORIZON_DAYS days."""
    _require_aware(after, "after")
    schedule = store_schedule(store=store, today=after.astimezone(datetime.UTC).date())
    return schedule_open_after(schedule, start=after)


def store_ready_by(
    *, store: Store, now: datetime.datetime, via_transfer: bool
) -> datetime.datetime | None:
    """When an order placed `now` can be collected: picking (PICKING_LEAD_TIME_MINUTES of opening
    time), after TRANSFER_LEAD_TIME_HOURS when the stock comes from another store. None when the
    store does not open within the horizon."""
    _require_aware(now, "now")
    today = now.astimezone(datetime.UTC).date()
    # Read for every order placed: the process's memory of the hours, as availability uses.
    schedule = store_schedules_cached(stores=[store], today=today)[store.pk]
    return ready_by_from_schedule(schedule, now=now, via_transfer=via_transfer)


def store_earliest_ready_by(*, now: datetime.datetime) -> tuple[Store, datetime.datetime] | None:
    """The click-and-collect store where an order of what it has in stock, placed `now`, can be
    ready soonest, with that time in the store's zone; None when none opens within the horizon.
    Three queries whatever the number of stores; each distinct schedule is computed once."""
    _require_aware(now, "now")
    among = store_list_for_click_and_collect()
    stores = list(among.only("pk", "timezone").order_by("pk"))
    schedules = store_schedules_cached(
        stores=stores, today=now.astimezone(datetime.UTC).date(), among=among
    )
    ready_of: dict[StoreSchedule, datetime.datetime | None] = {}
    earliest = None
    for store in stores:
        schedule = schedules[store.pk]
        if schedule not in ready_of:
            ready_of[schedule] = ready_by_from_schedule(schedule, now=now, via_transfer=False)
        ready = ready_of[schedule]
        if ready is not None and (earliest is None or ready < earliest[1]):
            earliest = (store, ready)
    return earliest


def store_get_for_staff(*, code: str, user: User) -> Store:
    """The store with this code when the user works there; NotFound for any other store, so a
    caller cannot tell a store they may not see from one that does not exist."""
    store = Store.objects.filter(code=code).first()
    if store is None or not user_works_at(user, store.pk):
        raise NotFound("No such store among yours.")
    return store


def store_get_for_reader(*, code: str, user: User) -> Store:
    """The store with this code when the user may read its orders: agents any store, staff their
    own; NotFound otherwise."""
    if user_is_agent(user):
        store = Store.objects.filter(code=code).first()
        if store is None:
            raise NotFound("No such store.")
        return store
    return store_get_for_staff(code=code, user=user)


def store_closure_list_upcoming(*, store: Store, days: int) -> list[StoreClosure]:
    """The store's closures from today for `days` days, by date."""
    today = timezone.localdate()
    return list(
        store.closures.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=days)
        ).order_by("date")
    )


@dataclass(frozen=True)
class SlotOffer:
    """One pickup slot of a store: when (in the store's time zone) and how many places are left."""

    start: datetime.datetime
    end: datetime.datetime
    capacity: int
    booked: int

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.booked)


def _slot_times(
    schedule: StoreSchedule, day: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The store's slots on its local `day`: one hour each from the opening, the last one ending
    by the closing. Counted in wall-clock time, so a change of daylight saving time keeps 18:00
    at 18:00."""
    if day in schedule.closed_dates:
        return []
    zone = ZoneInfo(schedule.timezone)
    times = []
    for weekday, opens, closes in schedule.hours:
        if weekday != day.weekday():
            continue
        start = datetime.datetime.combine(day, opens)  # noqa: DTZ001 - wall clock, zone below
        closing = datetime.datetime.combine(day, closes)  # noqa: DTZ001
        while start + PICKUP_SLOT_LENGTH <= closing:
            times.append(
                (start.replace(tzinfo=zone), (start + PICKUP_SLOT_LENGTH).replace(tzinfo=zone))
            )
            start += PICKUP_SLOT_LENGTH
    return sorted(times)


def _slot_offers(
    store: Store, times: list[tuple[datetime.datetime, datetime.datetime]]
) -> list[SlotOffer]:
    """The slots with their bookings read in one query."""
    if not times:
        return []
    booked = dict(
        PickupSlot.objects.filter(
            store=store, starts_at__in=[start for start, _ in times]
        ).values_list("starts_at", "booked")
    )
    return [
        SlotOffer(
            start=start,
            end=end,
            capacity=store.pickup_slot_capacity,
            booked=booked.get(start, 0),
        )
        for start, end in times
    ]


def pickup_slot_horizon(*, store: Store, now: datetime.datetime) -> datetime.date:
    """The last local day of the store on which slots can be booked."""
    _require_aware(now, "now")
    today = now.astimezone(ZoneInfo(store.timezone)).date()
    return today + datetime.timedelta(days=PICKUP_SLOT_HORIZON_DAYS)


def pickup_slot_list(
    *,
    store: Store,
    now: datetime.datetime,
    earliest: datetime.datetime | None = None,
    day: datetime.date | None = None,
    days: int = PICKUP_SLOT_HORIZON_DAYS + 1,
    schedule: StoreSchedule | None = None,
) -> list[SlotOffer]:
    """The store's slots that start after `now` and no earlier than `earliest` (when the order
    can be ready), earliest first, with the places left (0: full); on its local `day` only, or
    from today for `days` days, never past the horizon. 1 query with the store's `schedule`, 3
    without."""
    _require_aware(now, "now")
    if earliest is not None:
        _require_aware(earliest, "earliest")
    zone = ZoneInfo(store.timezone)
    today = now.astimezone(zone).date()
    horizon = pickup_slot_horizon(store=store, now=now)
    first = day or today
    last = min(horizon, first if day else today + datetime.timedelta(days=days - 1))
    if schedule is None:
        schedule = store_schedule(store=store, today=now.astimezone(datetime.UTC).date())
    times = []
    current = max(first, today)
    while current <= last:
        times.extend(
            (start, end)
            for start, end in _slot_times(schedule, current)
            if start > now and (earliest is None or start >= earliest)
        )
        current += datetime.timedelta(days=1)
    return _slot_offers(store, times)


def pickup_slot_find(
    *, store: Store, start: datetime.datetime, now: datetime.datetime
) -> SlotOffer | None:
    """The slot of this store starting at `start`, when the store offers it (within its hours and
    the horizon, not yet begun); None otherwise."""
    _require_aware(start, "start")
    local = start.astimezone(ZoneInfo(store.timezone))
    for offer in pickup_slot_list(store=store, now=now, day=local.date()):
        if offer.start == start:
            return offer
    return None
