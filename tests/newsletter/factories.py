import factory
from django.utils import timezone

from newsletter.models import Campaign, Source, Subscription
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


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = "Werkzeugwochen"
    code = factory.Sequence(lambda n: f"werkzeugwochen-{n}")
    subject_de = "Werkzeugwochen: Akkuschrauber zum Aktionspreis"
    subject_en = "Tool weeks: cordless drills on offer"
    body_de = "# Werkzeugwochen\n\nNur diese Woche: **Akku-Bohrschrauber** im Angebot."
    body_en = "# Tool weeks\n\nThis week only: **cordless drills** on offer."

    @factory.post_generation
    def featured(self, create, products, **kwargs):
        if create and products:
            self.products.set(products)
