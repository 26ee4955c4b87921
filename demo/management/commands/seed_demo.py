"""`python manage.py seed_demo`: idempotent demo data for every console and page."""

import time

from django.core.management.base import BaseCommand

from demo.inventory import demo_products_seed, demo_stock_seed
from demo.newsletter import demo_marketing_seed, demo_newsletter_seed
from demo.orders import demo_orders_seed
from demo.returns import demo_exchange_seed
from demo.stores import demo_staff_seed, demo_stores_seed, demo_users_seed
from demo.transfers import demo_transfers_seed


class Command(BaseCommand):
    help = "Creates or refreshes the demo data (safe to run again). Demo users get --password."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo", help="password of every demo user")

    def handle(self, *args, password: str, **options):
        started = time.monotonic()

        def report(line: str) -> None:
            self.stdout.write(f"  {line}  ({time.monotonic() - started:.1f}s)")

        self.stdout.write("Seeding demo data ...")
        demo_users_seed(password=password, report=report)
        stores = demo_stores_seed(report=report)
        demo_staff_seed(password=password, report=report)
        demo_products_seed(report=report)
        demo_stock_seed(stores=stores, report=report)
        demo_marketing_seed(password=password, report=report)
        demo_orders_seed(report=report)
        demo_transfers_seed(report=report)
        demo_newsletter_seed(report=report)
        demo_exchange_seed(report=report)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s")
        )
