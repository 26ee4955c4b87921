"""Domain errors of stock and transfers. No HTTP here beyond the status the API answers with.

Unknown SKUs and stores answer 404: the same errors serve lookups by URL
(`/api/v1/products/{sku}/`), where "not found" is the truth, and request bodies naming something
that does not exist.
"""

from dataclasses import asdict, dataclass

from rest_framework import status

from config.exceptions import DomainError


class InventoryError(DomainError):
    code = "inventory_error"


@dataclass(frozen=True)
class Shortage:
    product_id: int
    sku: str
    requested: int
    available: int


class InsufficientStock(InventoryError):
    code = "insufficient_stock"
    status = status.HTTP_409_CONFLICT
    default_detail = "Not enough stock at this store."

    def __init__(self, shortages: list[Shortage], detail: str | None = None, **extra) -> None:
        self.shortages = shortages
        if detail is None and shortages:
            detail = "Not enough stock at this store for {}.".format(
                ", ".join(
                    f"{item.sku} ({item.requested} requested, {item.available} available)"
                    for item in shortages
                )
            )
        super().__init__(detail, shortages=[asdict(shortage) for shortage in shortages], **extra)


class InvalidQuantity(InventoryError):
    code = "invalid_quantity"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "Quantities must be whole numbers within the allowed range."


class InvalidReference(InventoryError):
    code = "invalid_reference"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "A reference must be a non-empty text of at most 64 characters."


class ReasonRequired(InventoryError):
    code = "reason_required"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "This stock change needs a reason."


class UnknownProduct(InventoryError):
    code = "unknown_sku"
    status = status.HTTP_404_NOT_FOUND
    default_detail = "No product with this SKU is sold."


class UnknownStore(InventoryError):
    code = "unknown_store"
    status = status.HTTP_404_NOT_FOUND
    default_detail = "No such store."


class CountBelowReserved(InventoryError):
    code = "count_below_reserved"
    status = status.HTTP_409_CONFLICT
    default_detail = "The count is below what is reserved for orders; release those first."


class ReservationNotHeld(InventoryError):
    code = "reservation_not_held"
    status = status.HTTP_409_CONFLICT
    default_detail = "The stock reserved for this is no longer held."


class InvalidTransferState(InventoryError):
    code = "invalid_transfer_state"
    status = status.HTTP_409_CONFLICT
    default_detail = "The transfer cannot do this in its current state."


class TransferToSameStore(InventoryError):
    code = "transfer_same_store"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "A transfer needs two different stores."


class UnknownTransfer(InventoryError):
    code = "unknown_transfer"
    status = status.HTTP_404_NOT_FOUND
    default_detail = "No such transfer."


class StockOutOfBalance(InventoryError):
    """A stock row disagrees with its reservations; `reconcile_stock` shows where."""

    code = "stock_out_of_balance"
    status = status.HTTP_409_CONFLICT
    default_detail = "The stock records disagree; nothing was changed. Run reconcile_stock."
