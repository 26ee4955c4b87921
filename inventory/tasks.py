"""Celery tasks of the inventory: the periodic proof that stock matches its ledger."""

import logging

from celery import shared_task

from inventory.services import stock_drift_list

logger = logging.getLogger(__name__)


@shared_task
def stock_reconcile_task() -> int:
    """Logs every stock row that drifted from the ledger; only reads, so it is safe to run twice."""
    drifts = stock_drift_list()
    for drift in drifts:
        logger.error(
            "stock drift at %s %s: on hand %s (ledger %s), reserved %s (ledger %s, held %s)",
            drift.store_code,
            drift.sku,
            drift.on_hand,
            drift.ledger_on_hand,
            drift.reserved,
            drift.ledger_reserved,
            drift.held,
        )
    if drifts:
        logger.error("stock reconcile: drift at %d stock row(s)", len(drifts))
    else:
        logger.info("stock reconcile: no drift")
    return len(drifts)
