import pytest
from django.db import DatabaseError, connection, transaction

from inventory.models import AppendOnlyError, StockMovement
from inventory.services import stock_receive
from tests.inventory.factories import ProductFactory
from tests.inventory.stock import stock_received
from tests.stores.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movement():
    stock_received(store=StoreFactory(), product=ProductFactory(), quantity=3)
    return StockMovement.objects.get()


def test_a_ledger_row_cannot_be_changed_through_the_model(movement):
    movement.on_hand_delta = 30

    with pytest.raises(AppendOnlyError):
        movement.save()

    assert StockMovement.objects.get().on_hand_delta == 3


def test_a_ledger_row_cannot_be_deleted_through_the_model(movement):
    with pytest.raises(AppendOnlyError):
        movement.delete()

    assert StockMovement.objects.count() == 1


def test_the_ledger_cannot_be_updated_or_deleted_in_bulk(movement):
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.update(on_hand_delta=30)
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.all().delete()

    assert list(StockMovement.objects.values_list("on_hand_delta", flat=True)) == [3]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE inventory_stockmovement SET on_hand_delta = 30",
        "UPDATE inventory_stockmovement SET reason = 'tampered'",
        "DELETE FROM inventory_stockmovement",
    ],
)
def test_the_database_refuses_to_change_or_delete_ledger_rows(movement, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert list(StockMovement.objects.values_list("on_hand_delta", "reason")) == [
        (3, "opening stock")
    ]


@pytest.mark.postgres
def test_deleting_a_user_keeps_their_ledger_rows_without_the_actor():
    clerk = UserFactory(username="clerk.pas-01")
    store, product = StoreFactory(), ProductFactory()
    stock_receive(store_id=store.pk, product_id=product.pk, quantity=2, actor=clerk)

    clerk.delete()

    assert list(StockMovement.objects.values_list("on_hand_delta", "actor")) == [(2, None)]
