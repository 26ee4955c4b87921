import datetime

import factory
from django.contrib.auth import get_user_model

from stores.models import OpeningHours, StaffMembership, Store, StoreClosure


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TST-{n:02d}")
    name = factory.LazyAttribute(lambda store: f"Store {store.code}")
    street = "Bahnhofstraße 1"
    postcode = "94032"
    city = "Passau"
    latitude = 48.5665
    longitude = 13.4312


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    store = factory.SubFactory(StoreFactory)
    weekday = 0
    opens = datetime.time(8, 0)
    closes = datetime.time(20, 0)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("demo")
    is_staff = True


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    role = StaffMembership.Role.CLERK


class StoreClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreClosure

    store = factory.SubFactory(StoreFactory)
    date = datetime.date(2026, 12, 25)
    reason = "Weihnachten"


def opening_hours_set(
    store: Store,
    *,
    weekdays: range = range(6),
    opens: datetime.time = datetime.time(8, 0),
    closes: datetime.time = datetime.time(20, 0),
) -> Store:
    """Gives the store the same hours on each of these weekdays (Monday to Saturday by default)."""
    for weekday in weekdays:
        OpeningHoursFactory(store=store, weekday=weekday, opens=opens, closes=closes)
    return store
