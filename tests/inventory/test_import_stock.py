from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Product, StockMovement
from inventory.services import StockRequest, stock_reserve
from tests.inventory.stock import level_of, stock_received, stock_snapshot
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "counts.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def import_stock(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_stock", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_refused(path) -> tuple[CommandError, list[str]]:
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_stock", str(path), stdout=StringIO(), stderr=err)
    return refused.value, err.getvalue().splitlines()


def test_import_sets_on_hand_and_writes_a_count_correction_per_changed_row(
    csv_file, passau, munich, drill, bits
):
    stock_received(store=passau, product=drill, quantity=2)
    stock_received(store=munich, product=drill, quantity=7)
    path = csv_file(
        "store,sku,on_hand\nPAS-01,DRILL-18V,5\nPAS-01,BITS-32,12\nMUC-01,DRILL-18V,7\n"
    )

    out, err = import_stock(path)

    assert level_of(passau, drill) == (5, 0)
    assert level_of(passau, bits) == (12, 0)
    assert level_of(munich, drill) == (7, 0)
    assert list(
        StockMovement.objects.filter(kind="adjustment")
        .order_by("stock_level__store__code", "stock_level__product__sku")
        .values_list("stock_level__store__code", "stock_level__product__sku", "on_hand_delta")
    ) == [("PAS-01", "BITS-32", 12), ("PAS-01", "DRILL-18V", 3)]
    assert set(
        StockMovement.objects.filter(kind="adjustment").values_list("reason", flat=True)
    ) == {"stock import counts.csv"}
    assert out == (
        "Imported 3 row(s) from counts.csv: 2 stock level(s) corrected (one ledger row each), "
        "1 already matched.\n"
    )
    assert err == ""


def test_import_records_the_given_reason_and_user(csv_file, passau, drill):
    manager = UserFactory(username="manager.pas-01")
    path = csv_file("store,sku,on_hand\nPAS-01,DRILL-18V,5\n")

    import_stock(path, "--reason", "year-end stock-taking", "--user", "manager.pas-01")

    assert list(StockMovement.objects.values_list("reason", "actor")) == [
        ("year-end stock-taking", manager.pk)
    ]


def test_import_reads_semicolons_a_byte_order_mark_and_header_names_in_any_case(
    tmp_path, passau, drill
):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffStore Code;SKU;On Hand\r\nPAS-01;DRILL-18V;4\r\n", encoding="utf-8")

    import_stock(path)

    assert level_of(passau, drill) == (4, 0)


def test_import_keeps_units_reserved_for_orders_reserved(csv_file, passau, drill):
    stock_received(store=passau, product=drill, quantity=5)
    stock_reserve(store_id=passau.pk, requests=[StockRequest(drill.pk, 2, "order:1")])
    path = csv_file("store,sku,on_hand\nPAS-01,DRILL-18V,3\n")

    import_stock(path)

    assert level_of(passau, drill) == (3, 2)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("XXX-99,DRILL-18V,5", "line 3: unknown store 'XXX-99'"),
        ("PAS-01,NOPE-1,5", "line 3: unknown SKU 'NOPE-1'"),
        ("PAS-01,DRILL-18V,-2", "line 3: on hand -2 is negative"),
        ("PAS-01,DRILL-18V,five", "line 3: on hand 'five' is not a whole number"),
        ("PAS-01,DRILL-18V,2.5", "line 3: on hand '2.5' is not a whole number"),
        ("PAS-01,DRILL-18V,1000001", "line 3: on hand 1000001 is more than 1000000"),
        ("PAS-01,DRILL-18V", "line 3: missing on_hand"),
        (",DRILL-18V,4", "line 3: missing store"),
        ("PAS-01,BITS-32,9", "line 3: store PAS-01 and SKU BITS-32 already appear on line 2"),
    ],
)
def test_import_names_a_bad_row_and_imports_nothing(csv_file, passau, drill, bits, row, reason):
    path = csv_file(f"store,sku,on_hand\nPAS-01,BITS-32,10\n{row}\n")
    before = stock_snapshot()

    error, lines = import_refused(path)

    assert lines == [reason]
    assert str(error) == "1 bad row(s) in counts.csv; nothing was imported."
    assert error.returncode == 1
    assert stock_snapshot() == before


def test_import_names_every_bad_row_with_all_its_reasons(csv_file, passau, drill):
    path = csv_file("store,sku,on_hand\nPAS-01,DRILL-18V,5\nXXX-99,NOPE-1,-1\n\nPAS-01,NOPE-2,3\n")
    before = stock_snapshot()

    error, lines = import_refused(path)

    assert lines == [
        "line 3: unknown store 'XXX-99'; unknown SKU 'NOPE-1'; on hand -1 is negative",
        "line 5: unknown SKU 'NOPE-2'",
    ]
    assert str(error) == "2 bad row(s) in counts.csv; nothing was imported."
    assert stock_snapshot() == before


def test_import_refuses_a_count_below_what_orders_hold(csv_file, passau, drill):
    stock_received(store=passau, product=drill, quantity=5)
    stock_reserve(store_id=passau.pk, requests=[StockRequest(drill.pk, 4, "order:1")])
    path = csv_file("store,sku,on_hand\nPAS-01,DRILL-18V,3\n")
    before = stock_snapshot()

    _, lines = import_refused(path)

    assert lines == ["line 2: on hand 3 is below the 4 unit(s) reserved"]
    assert stock_snapshot() == before


def test_import_refuses_a_header_without_the_on_hand_column(csv_file, passau, drill):
    path = csv_file("store,sku\nPAS-01,DRILL-18V\n")
    before = stock_snapshot()

    _, lines = import_refused(path)

    assert lines == ["line 1: missing column(s) on_hand in the header row"]
    assert stock_snapshot() == before


def test_import_refuses_an_empty_file(csv_file):
    _, lines = import_refused(csv_file(""))

    assert lines == ["line 1: the file is empty; expected a header row store,sku,on_hand"]


def test_import_of_a_header_without_rows_imports_nothing(csv_file):
    out, _ = import_stock(csv_file("store,sku,on_hand\n"))

    assert out == "counts.csv has no rows; nothing to import.\n"


def test_import_refuses_a_file_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="Cannot read") as refused:
        call_command("import_stock", str(tmp_path / "missing.csv"))

    assert refused.value.returncode == 2


def test_import_refuses_an_unknown_user(csv_file, passau, drill):
    path = csv_file("store,sku,on_hand\nPAS-01,DRILL-18V,5\n")

    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("import_stock", str(path), "--user", "nobody")

    assert StockMovement.objects.count() == 0


@pytest.mark.slow
def test_import_of_a_large_file_shows_its_progress(csv_file, passau):
    Product.objects.bulk_create(
        [Product(sku=f"SKU-{n:05d}", name=f"Product {n}", price=1) for n in range(1_000)]
    )
    path = csv_file(
        "store,sku,on_hand\n" + "".join(f"PAS-01,SKU-{n:05d},{n % 7}\n" for n in range(1_000))
    )

    out, _ = import_stock(path)

    lines = out.splitlines()
    assert lines[:2] == ["  500/1000 rows (50%)", "  1000/1000 rows (100%)"]
    assert lines[2] == (
        "Imported 1000 row(s) from counts.csv: 857 stock level(s) corrected "
        "(one ledger row each), 143 already matched."
    )
    assert StockMovement.objects.count() == 857
