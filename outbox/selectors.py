"""Reads of the outbox tables: what is still waiting to go out."""

from outbox.services import registered_outboxes


def outbox_pending_counts() -> dict[str, int]:
    """Rows still pending per outbox table (e.g. "messaging.Notification"), every table listed."""
    return {
        label: box.model.objects.filter(status=box.pending).count()
        for label, box in registered_outboxes().items()
    }
