"""What the API must remember between requests: the first answer to each Idempotency-Key."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to a create request, replayed to every retry with the same key.

    The row is inserted before the work runs and in the same transaction, so the unique
    constraint makes a concurrent duplicate wait for the first and then replay its answer.
    """

    key = models.CharField(max_length=255)
    scope = models.CharField(
        max_length=200, help_text="endpoint and caller, e.g. orders.place:anon"
    )
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "scope"], name="idempotency_key_once_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} -> {self.response_status}"
