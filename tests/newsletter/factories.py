import factory
from django.utils import timezone

from newsletter.models import Source, Subscription
from tests.orders.factories import CustomerFactory


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed e-mail subscription; the customer's consent flag is set to match."""

    class Meta:
        model = Subscription

    customer = factory.SubFactory(CustomerFactory, email_promotions_consent=True)
    channel = "email"
    status = Subscription.Status.SUBSCRIBED
    source = Source.FOOTER
    wording_version = "2026-12"
    requested_at = factory.LazyFunction(timezone.now)
    requested_ip = "198.51.100.7"
    confirmed_at = factory.LazyFunction(timezone.now)
    confirmed_ip = "198.51.100.7"
