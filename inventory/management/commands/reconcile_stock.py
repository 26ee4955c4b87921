"""Proves every stock row equals its ledger and its live reservations; exits 1 on any drift."""

from django.core.management.base import BaseCommand, CommandError

from inventory.services import StockDrift, stock_drift_list

COLUMNS = (
    ("store", "store_code"),
    ("sku", "sku"),
    ("on hand", "on_hand"),
    ("ledger", "ledger_on_hand"),
    ("reserved", "reserved"),
    ("ledger", "ledger_reserved"),
    ("held", "held"),
)


def drift_table(drifts: list[StockDrift]) -> str:
    header = [title for title, _ in COLUMNS]
    rows = [[str(getattr(drift, attribute)) for _, attribute in COLUMNS] for drift in drifts]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), "  ".join("-" * width for width in widths), *map(line, rows)])


class Command(BaseCommand):
    help = (
        "Recompute on_hand and reserved of every stock row from the stock ledger and the held "
        "reservations, print each row that drifted, and exit with status 1 when any did."
    )

    def add_arguments(self, parser):
        parser.add_argument("--store", metavar="CODE", help="only this store, e.g. PAS-01")

    def handle(self, *args, store: str | None = None, **options):
        drifts = stock_drift_list(store_code=store)
        scope = f"store {store}" if store else "all stores"
        if not drifts:
            self.stdout.write(self.style.SUCCESS(f"No drift: stock matches the ledger ({scope})."))
            return
        self.stdout.write(
            "Stock rows that disagree with the ledger (on hand, reserved) "
            "or with their held reservations:"
        )
        self.stdout.write(drift_table(drifts))
        raise CommandError(f"Drift at {len(drifts)} stock row(s) ({scope}).", returncode=1)
