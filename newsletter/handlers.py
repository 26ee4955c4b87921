"""What the newsletter plugs into the apps below it: the context of its messages, its outbox of
campaign messages, and their count in the weekly cap of promotions."""

import datetime

from django.db.models import Count

from customers.timeline import timeline_provider_register
from messaging.rendering import message_context_register
from messaging.services import promotion_counter_register
from newsletter.messages import newsletter_message_context
from newsletter.models import CampaignMessage
from newsletter.services import campaign_message_deliver
from newsletter.timeline import newsletter_timeline
from outbox.services import outbox_register


def campaign_messages_recent(customer_ids: list[int], since: datetime.datetime) -> dict[int, int]:
    return dict(
        CampaignMessage.objects.filter(
            customer_id__in=customer_ids,
            status__in=[CampaignMessage.Status.QUEUED, CampaignMessage.Status.SENT],
            created_at__gte=since,
        )
        .values_list("customer_id")
        .annotate(count=Count("pk"))
    )


message_context_register(newsletter_message_context)
promotion_counter_register(campaign_messages_recent)
outbox_register(
    model=CampaignMessage,
    pending=CampaignMessage.Status.QUEUED,
    failed=CampaignMessage.Status.FAILED,
    deliver=campaign_message_deliver,
)
timeline_provider_register(newsletter_timeline)
