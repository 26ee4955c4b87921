"""The newsletter's tasks: start due campaigns and record their recipients batch by batch. Both
are safe to run twice (the campaign row is locked, recipients are unique per campaign)."""

from celery import shared_task

from newsletter.services import campaign_send_batch, campaigns_start_due


@shared_task
def campaign_send_due_task() -> int:
    """Every minute (beat), and right after a campaign is scheduled for now."""
    sending = campaigns_start_due()
    for campaign_id in sending:
        campaign_send_batch_task.delay(campaign_id)
    return len(sending)


@shared_task
def campaign_send_batch_task(campaign_id: int) -> bool:
    more = campaign_send_batch(campaign_id=campaign_id)
    if more:
        campaign_send_batch_task.delay(campaign_id)
    return more
