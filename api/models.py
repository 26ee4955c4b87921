"""What the API must remember between requests: the first answer to each Idempotency-Key."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first answer to a create request, replayed to every retry with the same key.

    The row is inserted before the work runs and in the same transaction, so the unique
    constraint makes a concurrent duplicate wait for the first and then replay its answer.
    """

    key = models.CharField(_("key"), max_length=255)
    scope = models.CharField(
        _("scope"), max_length=200, help_text=_("endpoint and caller, e.g. orders.place:anon")
    )
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("SHA-256 of method, path and body")
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(
        _("response body"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["key", "scope"], name="idempotency_key_once_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} -> {self.response_status}"
