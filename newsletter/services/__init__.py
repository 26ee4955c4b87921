"""Writes of the newsletter: consent (consent.py), campaigns and their sending (campaigns.py),
clicks on tracked links (clicks.py)."""

from newsletter.services.campaigns import (
    CampaignNotEditable,
    campaign_cancel,
    campaign_message_deliver,
    campaign_schedule,
    campaign_send_batch,
    campaign_send_test,
    campaigns_start_due,
)
from newsletter.services.clicks import campaign_click_record
from newsletter.services.consent import (
    SubscribeInput,
    Unsubscribed,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)

__all__ = [
    "CampaignNotEditable",
    "SubscribeInput",
    "Unsubscribed",
    "campaign_cancel",
    "campaign_click_record",
    "campaign_message_deliver",
    "campaign_schedule",
    "campaign_send_batch",
    "campaign_send_test",
    "campaigns_start_due",
    "subscription_confirm",
    "subscription_request",
    "subscription_unsubscribe",
]
