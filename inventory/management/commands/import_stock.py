"""Sets on-hand stock from a CSV of counts (store code, SKU, on hand), all rows or none.

Every row is checked before anything is written, and each bad row is named with its line and
reason. A clean file is written in one transaction through `stock_count_correct`, so every change
lands in the ledger as a count correction and a failure half-way leaves nothing behind.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from inventory.exceptions import InventoryError
from inventory.models import Product, StockLevel
from inventory.services import MAX_COUNTED, REASON_MAX_LENGTH, stock_count_correct
from stores.models import Store

COLUMN_NAMES = {
    "store": "store",
    "store_code": "store",
    "sku": "sku",
    "on_hand": "on_hand",
    "quantity": "on_hand",
    "counted": "on_hand",
}
REQUIRED = ("store", "sku", "on_hand")
LOOKUP_CHUNK = 5_000


@dataclass(frozen=True)
class CountRow:
    line: int
    store_id: int
    product_id: int
    counted: int


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _column(name: str) -> str:
    return COLUMN_NAMES.get(name.strip().lower().replace(" ", "_").replace("-", "_"), "")


class Command(BaseCommand):
    help = (
        "Import counted stock from a CSV file with a header row and the columns store code, SKU "
        "and on hand. Every row is validated first; when any row is bad nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file: store,sku,on_hand")
        parser.add_argument("--reason", default="", help="ledger reason (default: the file name)")
        parser.add_argument("--user", default="", help="username recorded as the actor")

    def handle(self, *args, file: Path, reason: str, user: str, **options):
        reason = (reason or f"stock import {file.name}")[:REASON_MAX_LENGTH]
        actor = self._actor(user)
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                records = list(csv.reader(handle, self._dialect(handle)))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {file}: {error}", returncode=2) from error

        rows, errors = self._validate(records)
        if errors:
            for line, message in errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(
                f"{len(errors)} bad row(s) in {file.name}; nothing was imported.", returncode=1
            )
        if not rows:
            self.stdout.write(f"{file.name} has no rows; nothing to import.")
            return
        changed = self._write(rows, actor=actor, reason=reason)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(rows)} row(s) from {file.name}: {changed} stock level(s) "
                f"corrected (one ledger row each), {len(rows) - changed} already matched."
            )
        )

    def _actor(self, username: str):
        if not username:
            return None
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user {username!r}.", returncode=2)
        return actor

    @staticmethod
    def _dialect(handle) -> type[csv.Dialect] | str:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            return csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            return "excel"

    def _validate(self, records: list[list[str]]) -> tuple[list[CountRow], list[tuple[int, str]]]:
        if not records:
            return [], [(1, "the file is empty; expected a header row store,sku,on_hand")]
        header = [_column(name) for name in records[0]]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            return [], [(1, f"missing column(s) {', '.join(missing)} in the header row")]
        position = {name: header.index(name) for name in REQUIRED}

        parsed: list[tuple[int, str, str, str]] = []
        errors: list[tuple[int, str]] = []
        for line, record in enumerate(records[1:], start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells = {
                name: record[index].strip() if index < len(record) else ""
                for name, index in position.items()
            }
            empty = [name for name in REQUIRED if not cells[name]]
            if empty:
                errors.append((line, f"missing {', '.join(empty)}"))
                continue
            parsed.append((line, cells["store"], cells["sku"], cells["on_hand"]))

        store_codes = sorted({code for _, code, _, _ in parsed})
        skus = sorted({sku for _, _, sku, _ in parsed})
        stores = dict(Store.objects.filter(code__in=store_codes).values_list("code", "pk"))
        products: dict[str, int] = {}
        for chunk in _chunks(skus):
            products.update(Product.objects.filter(sku__in=chunk).values_list("sku", "pk"))
        reserved = self._reserved(stores.values(), products.values())

        rows: list[CountRow] = []
        first_line: dict[tuple[str, str], int] = {}
        for line, code, sku, quantity in parsed:
            problems = []
            if code not in stores:
                problems.append(f"unknown store {code!r}")
            if sku not in products:
                problems.append(f"unknown SKU {sku!r}")
            counted = None
            try:
                counted = int(quantity)
            except ValueError:
                problems.append(f"on hand {quantity!r} is not a whole number")
            else:
                if counted < 0:
                    problems.append(f"on hand {counted} is negative")
                elif counted > MAX_COUNTED:
                    problems.append(f"on hand {counted} is more than {MAX_COUNTED}")
            key = (code, sku)
            if key in first_line:
                problems.append(
                    f"store {code} and SKU {sku} already appear on line {first_line[key]}"
                )
            else:
                first_line[key] = line
            if not problems:
                held = reserved.get((stores[code], products[sku]), 0)
                if counted < held:
                    problems.append(f"on hand {counted} is below the {held} unit(s) reserved")
            if problems:
                errors.append((line, "; ".join(problems)))
            else:
                rows.append(CountRow(line, stores[code], products[sku], counted))
        return rows, errors

    @staticmethod
    def _reserved(store_ids, product_ids) -> dict[tuple[int, int], int]:
        store_ids, product_ids = list(store_ids), list(product_ids)
        reserved: dict[tuple[int, int], int] = {}
        for chunk in _chunks(product_ids):
            levels = StockLevel.objects.filter(
                store_id__in=store_ids, product_id__in=chunk, reserved__gt=0
            ).values_list("store_id", "product_id", "reserved")
            reserved.update({(store, product): held for store, product, held in levels})
        return reserved

    def _write(self, rows: list[CountRow], *, actor, reason: str) -> int:
        total = len(rows)
        every = max(total // 20, 500)
        changed = 0
        with transaction.atomic():
            # Stock rows are created up front and the corrections applied in stock-row id order:
            # the order every stock service locks in, so the import cannot deadlock with them.
            StockLevel.objects.bulk_create(
                [StockLevel(store_id=row.store_id, product_id=row.product_id) for row in rows],
                ignore_conflicts=True,
                batch_size=1_000,
            )
            current: dict[tuple[int, int], tuple[int, int]] = {}
            for chunk in _chunks(sorted({row.product_id for row in rows})):
                levels = StockLevel.objects.filter(
                    store_id__in={row.store_id for row in rows}, product_id__in=chunk
                ).values_list("store_id", "product_id", "pk", "on_hand")
                current.update(
                    {(store, product): (pk, on_hand) for store, product, pk, on_hand in levels}
                )
            rows = sorted(rows, key=lambda row: current[(row.store_id, row.product_id)][0])
            for done, row in enumerate(rows, start=1):
                try:
                    stock_count_correct(
                        store_id=row.store_id,
                        product_id=row.product_id,
                        counted=row.counted,
                        actor=actor,
                        reason=reason,
                    )
                except InventoryError as error:
                    raise CommandError(
                        f"line {row.line}: {error.detail}; nothing was imported.", returncode=1
                    ) from error
                changed += current[(row.store_id, row.product_id)][1] != row.counted
                if total >= 1_000 and (done % every == 0 or done == total):
                    self.stdout.write(f"  {done}/{total} rows ({done * 100 // total}%)")
        return changed
