"""Demo transfers (ship-to-store): Passau's console shows one on its way in and one to send.

Both are made the way the shop and the worker make them: an order allowed to come by transfer
goes to sourcing, order_source reserves it at the nearest store that has it and requests the
transfer, and the sending store's clerk ships it. Nothing is written past the services.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from demo.inventory import DRILL_SKU
from demo.orders import DEMO_EMAIL_DOMAIN
from demo.store_data import clerk_username
from inventory.models import Transfer
from orders import services
from orders.models import Order

Report = Callable[[str], None]

# Deggendorf has sold out of the drill (demo/inventory.py); Passau, the nearest store, sends one.
TO_SEND_STORE = "DEG-01"
TO_SEND_SHOPPER = services.CustomerInput(
    email=f"franz.brunner@{DEMO_EMAIL_DOMAIN}", name="Franz Brunner", phone="+4915155500090"
)


def demo_transfers_seed(*, report: Report) -> None:
    """Sources Passau's waiting order and ships its transfer (incoming at Passau), and places a
    Deggendorf order for the drill that Passau is asked to send (outgoing at Passau); once."""
    if Transfer.objects.exists():
        report(f"transfers: {Transfer.objects.count()} (already there)")
        return
    with transaction.atomic():
        incoming = _incoming_to_passau()
        outgoing = _outgoing_from_passau()
    made = [
        f"{transfer.number} {transfer.source_store.code} → {transfer.destination_store.code} "
        f"({transfer.state})"
        for transfer in (incoming, outgoing)
        if transfer is not None
    ]
    report(f"transfers: {', '.join(made) or 'none'}")


def _incoming_to_passau() -> Transfer | None:
    order = (
        Order.objects.filter(
            pickup_store__code="PAS-01",
            state=Order.State.SOURCING,
            sourcing_transfer__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if order is None:
        return None
    order = services.order_source(order_id=order.pk)
    if order.sourcing_transfer_id is None:
        return None
    transfer = Transfer.objects.select_related("source_store").get(pk=order.sourcing_transfer_id)
    sender = get_user_model().objects.get(username=clerk_username(transfer.source_store.code))
    return services.order_transfer_ship(transfer_id=transfer.pk, by=sender)


def _outgoing_from_passau() -> Transfer | None:
    placed = services.order_place(
        customer=TO_SEND_SHOPPER,
        pickup_store_code=TO_SEND_STORE,
        lines=[services.LineInput(sku=DRILL_SKU, quantity=1)],
        payment_method="pay_in_store",
        allow_transfer=True,
    )
    order = services.order_source(order_id=placed.order.pk)
    if order.sourcing_transfer_id is None:
        return None
    return Transfer.objects.get(pk=order.sourcing_transfer_id)
