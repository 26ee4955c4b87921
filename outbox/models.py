"""The shape every outbox row shares; each owning app keeps its own table of this shape."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxRow(models.Model):
    """A call to the outside world recorded with the state change that causes it.

    A sender claims the row for a lease (`claimed_until`), counts the attempt in `attempts`
    (the bound of the retry policy lives here, not in the broker), and records the outcome.
    """

    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    # A sender holds the row until then; a crashed sender's row is taken again after it.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True
