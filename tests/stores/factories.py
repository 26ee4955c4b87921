import datetime

import factory
from django.contrib.auth import get_user_model

from stores.models import OpeningHours, StaffMembership, Store


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
