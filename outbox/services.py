"""One claim, one retry policy, one after-commit enqueue and one relay for every outbox table.

Delivery is at least once. A sender claims a row for a lease (so two tasks for the same row do not
both call out), talks to the outside world with no transaction open, then records the outcome. A
sender that dies mid-call leaves a claim that expires; the task redelivered by the broker (or the
relay) then takes the row again, and the idempotency key lets the provider recognise the repeat.

An app registers each outbox table in its `handlers` module (`outbox_register`, found by
`OutboxConfig.ready`) with the function that delivers one row and the settings of its retry
policy. Services record a row and call `outbox_row_enqueue`; after commit the one task
`outbox.tasks.outbox_deliver_task` gets the table's label and the row's id and calls that
function. No service imports a task module.
"""

import datetime
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from outbox.models import OutboxRow

logger = logging.getLogger(__name__)

DELIVER_TASK = "outbox.tasks.outbox_deliver_task"


class TransientDeliveryError(Exception):
    """The outside world did not answer now (or another sender holds the row); the row stays
    pending and is tried again after `retry_in`."""

    def __init__(self, message: str = "", retry_in: datetime.timedelta | None = None):
        super().__init__(message)
        self.retry_in = retry_in or datetime.timedelta(0)


@dataclass(frozen=True)
class RetryPolicy:
    """Names of the settings that bound and space the attempts of one outbox table."""

    max_attempts: str = "OUTBOX_MAX_ATTEMPTS"
    base_seconds: str = "OUTBOX_RETRY_BASE_SECONDS"
    max_seconds: str = "OUTBOX_RETRY_MAX_SECONDS"
    relay_grace_seconds: str = "OUTBOX_RELAY_GRACE_SECONDS"

    def attempts_allowed(self) -> int:
        return int(getattr(settings, self.max_attempts))

    def delay(self, attempt: int) -> datetime.timedelta:
        """Exponential backoff with jitter: between half and all of base × 2^(attempt-1),
        capped."""
        base = float(getattr(settings, self.base_seconds))
        cap = float(getattr(settings, self.max_seconds))
        ceiling = min(cap, base * 2 ** max(attempt - 1, 0))
        return datetime.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311

    def grace(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=float(getattr(settings, self.relay_grace_seconds)))


@dataclass(frozen=True)
class Claim:
    row_id: int
    attempt: int


GiveUp = Callable[[OutboxRow, str], None]


@dataclass(frozen=True)
class Outbox:
    model: type[OutboxRow]
    pending: str
    failed: str
    # Delivers one row by id and returns its status; raises TransientDeliveryError to be retried.
    deliver: Callable[[int], str]
    policy: RetryPolicy
    # Called in the transaction that marks a row failed at the bound (e.g. flag a case).
    on_give_up: GiveUp | None


_outboxes: dict[str, Outbox] = {}


def outbox_register(
    *,
    model: type[OutboxRow],
    pending: str,
    failed: str,
    deliver: Callable[[int], str],
    policy: RetryPolicy | None = None,
    on_give_up: GiveUp | None = None,
) -> None:
    """Makes the relay watch `model`'s pending rows and the deliver task call `deliver`."""
    _outboxes[model._meta.label] = Outbox(
        model=model,
        pending=pending,
        failed=failed,
        deliver=deliver,
        policy=policy or RetryPolicy(),
        on_give_up=on_give_up,
    )


def registered_outboxes() -> dict[str, Outbox]:
    """Every outbox table the relay watches, by label."""
    return dict(_outboxes)


def outbox_for(model: type[models.Model]) -> Outbox:
    return _outboxes[model._meta.label]


def outbox_deliver(*, label: str, row_id: int) -> str:
    """Delivers one row of the outbox table `label` (e.g. "messaging.Notification")."""
    return _outboxes[label].deliver(row_id)


def _give_up(box: Outbox, row: OutboxRow, last_error: str) -> str:
    row.status = box.failed
    row.claimed_until = None
    row.last_error = last_error[:500]
    row.save(update_fields=["status", "claimed_until", "last_error"])
    if box.on_give_up is not None:
        box.on_give_up(row, f"gave up after {row.attempts} attempts: {last_error}")
    return box.failed


def outbox_claim(
    model: type[OutboxRow], row_id: int, now: datetime.datetime | None = None
) -> Claim | None:
    """Takes the row for one attempt: locks it, checks it is pending and within the bound (else
    marks it failed), counts the attempt and sets the lease. None when the row is done, failed or
    gone; TransientDeliveryError while another sender's lease runs."""
    box = outbox_for(model)
    now = now or timezone.now()
    lease = now + datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
    attempt = _claim_if_free(model, box, row_id, now=now, lease=lease)
    if attempt is not None:
        return Claim(row_id=row_id, attempt=attempt)
    # Not free: done, failed, gone, leased to another sender or at the bound. Look at it locked.
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None or row.status != box.pending:
            return None
        if row.claimed_until is not None and row.claimed_until > now:
            raise TransientDeliveryError(
                "another sender holds the row", retry_in=row.claimed_until - now
            )
        if row.attempts >= box.policy.attempts_allowed():
            _give_up(box, row, row.last_error)
            return None
        # Freed between the two statements (a lease ended, a sender let go): take it now.
        row.attempts += 1
        row.claimed_until = lease
        row.save(update_fields=["attempts", "claimed_until"])
        return Claim(row_id=row.pk, attempt=row.attempts)


def _claim_if_free(
    model: type[OutboxRow],
    box: Outbox,
    row_id: int,
    *,
    now: datetime.datetime,
    lease: datetime.datetime,
) -> int | None:
    """The common case in one statement: a pending row that no sender holds and that is under
    the bound gets its attempt counted and the lease; returns the attempt's number, or None
    when the row is not such a row. Concurrent claims are serialised by the row lock, and the
    second one's WHERE is checked again against the first one's lease."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('attempts')} = {quote('attempts')} + 1, "
            f"{quote('claimed_until')} = %s "
            f"WHERE {quote(model._meta.pk.column)} = %s AND {quote('status')} = %s "
            f"AND {quote('attempts')} < %s "
            f"AND ({quote('claimed_until')} IS NULL OR {quote('claimed_until')} <= %s) "
            f"RETURNING {quote('attempts')}",
            [moment(lease), row_id, box.pending, box.policy.attempts_allowed(), moment(now)],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def outbox_record_done(model: type[OutboxRow], claim: Claim, **fields) -> None:
    """Releases the claim and records the outcome's fields (e.g. the status done), in one UPDATE
    written out like the claim's: every delivery ends with it, and the ORM's building of the
    statement cost more CPU than the database's work (docs/decisions/0017)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    values = {"claimed_until": None, "last_error": "", **fields}
    columns = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [
                *(field.get_db_prep_save(values[field.name], connection) for field in columns),
                claim.row_id,
            ],
        )


def outbox_record_failure(
    model: type[OutboxRow],
    claim: Claim,
    error: Exception,
    *,
    not_before: datetime.timedelta | None = None,
) -> str:
    """Releases the claim and raises TransientDeliveryError with the next attempt's delay (never
    sooner than `not_before`), or marks the row failed at the bound and returns that status."""
    box = outbox_for(model)
    message = f"{type(error).__name__}: {error}"
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=claim.row_id)
        if claim.attempt >= box.policy.attempts_allowed():
            return _give_up(box, row, message)
        delay = max(box.policy.delay(claim.attempt), not_before or datetime.timedelta(0))
        row.claimed_until = None
        row.last_error = message[:500]
        row.next_attempt_at = timezone.now() + delay
        row.save(update_fields=["claimed_until", "last_error", "next_attempt_at"])
    raise TransientDeliveryError(message, retry_in=delay) from error


def _enqueue(label: str, row_id: int) -> None:
    current_app.send_task(DELIVER_TASK, args=[label, row_id])


def _enqueue_or_wait_for_relay(label: str, row_id: int) -> None:
    try:
        _enqueue(label, row_id)
    except Exception:  # noqa: BLE001 - the broker may be down; the row waits for the relay
        logger.warning("could not enqueue %s %s; the outbox relay will", label, row_id)


def outbox_row_enqueue(row: OutboxRow) -> None:
    """Enqueues the delivery of a freshly recorded row once the surrounding transaction commits;
    never when it rolls back.

    `partial` binds the values now (a lambda in a loop would see only the last row), and a
    broker error is logged, not raised: the row is in the database and the relay sends it.
    """
    transaction.on_commit(partial(_enqueue_or_wait_for_relay, row._meta.label, row.pk))


def outbox_relay(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Enqueues again every outbox row still pending a grace period after it was due and not
    claimed by a live sender; the broker may have lost it. Returns how many were enqueued.

    A relayed row counts as due from now: the next runs leave it for another grace period, so
    a row still waiting its turn behind a long queue is not put in the queue again on every run.
    """
    now = now or timezone.now()
    count = 0
    for label, box in _outboxes.items():
        overdue = box.model.objects.filter(
            status=box.pending, next_attempt_at__lte=now - box.policy.grace()
        ).exclude(claimed_until__gt=now)
        ids = list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:batch])
        relayed = []
        for row_id in ids:
            try:
                _enqueue(label, row_id)
            except Exception:  # noqa: BLE001 - still no broker: the next relay run tries again
                logger.warning("relay could not enqueue %s %s", label, row_id)
                break
            relayed.append(row_id)
        # Only rows still as they were read: a sender that has since failed set its own time.
        overdue.filter(pk__in=relayed).update(next_attempt_at=now)
        count += len(relayed)
        if len(relayed) < len(ids):
            return count
    return count
