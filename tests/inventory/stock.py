"""Stock test helpers: stock with a ledger history, and a snapshot proving nothing was written."""

from inventory.models import Reservation, StockLevel, StockMovement, Transfer, TransferLine
from inventory.services import stock_receive


def stock_received(*, store, product, quantity: int) -> StockLevel:
    """Stock that arrived through the service, so the ledger explains it."""
    return stock_receive(
        store_id=store.pk, product_id=product.pk, quantity=quantity, reason="opening stock"
    )


def stock_snapshot() -> dict[str, list]:
    """Every row the stock services write, to compare before and after a refused call."""
    return {
        "levels": list(
            StockLevel.objects.order_by("pk").values_list(
                "pk", "store_id", "product_id", "on_hand", "reserved"
            )
        ),
        "movements": list(StockMovement.objects.order_by("pk").values_list("pk", flat=True)),
        "reservations": list(Reservation.objects.order_by("pk").values_list("pk", "state")),
        "transfers": list(Transfer.objects.order_by("pk").values_list("pk", "state")),
        "transfer_lines": list(TransferLine.objects.order_by("pk").values_list("pk", flat=True)),
    }


def level_of(store, product) -> tuple[int, int]:
    """(on_hand, reserved) of one stock row."""
    return StockLevel.objects.values_list("on_hand", "reserved").get(store=store, product=product)


def movements_of(store, product) -> list[tuple]:
    """The ledger of one stock row as (kind, on_hand_delta, reserved_delta, reference)."""
    return list(
        StockMovement.objects.filter(stock_level__store=store, stock_level__product=product)
        .order_by("pk")
        .values_list("kind", "on_hand_delta", "reserved_delta", "reference")
    )
