import datetime
import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import RequestFactory

from inventory.models import Product, StockLevel, StockMovement
from inventory.services import StockRequest, stock_drift_list, stock_reserve
from stores.models import OpeningHours, StaffMembership, Store, StoreClosure
from stores.roles import HOTLINE_AGENTS_GROUP

pytestmark = pytest.mark.django_db


def _log_in(*, username: str, password: str):
    """A login as the console makes it: with the request, which the login lockout needs."""
    return authenticate(
        RequestFactory().post("/admin/login/"), username=username, password=password
    )


def test_seed_demo_creates_admin_and_hotline_agent_with_the_demo_password():
    call_command("seed_demo", stdout=None)

    admin = _log_in(username="admin", password="demo")
    agent = _log_in(username="agent", password="demo")
    assert admin.is_superuser
    assert agent.is_staff
    assert not agent.is_superuser
    assert list(agent.groups.values_list("name", flat=True)) == [HOTLINE_AGENTS_GROUP]


def test_seed_demo_run_twice_creates_nothing_new():
    call_command("seed_demo")
    users_after_first_run = get_user_model().objects.count()

    call_command("seed_demo")

    assert get_user_model().objects.count() == users_after_first_run


def test_seed_demo_password_option_sets_every_demo_users_password():
    call_command("seed_demo")

    call_command("seed_demo", "--password", "s3cret-counter")

    assert _log_in(username="agent", password="demo") is None
    assert _log_in(username="agent", password="s3cret-counter") is not None


def test_seed_demo_creates_at_least_20_stores_in_german_cities_with_passau_among_them():
    call_command("seed_demo")

    passau = Store.objects.get(code="PAS-01")
    assert Store.objects.count() >= 20
    assert (passau.city, passau.latitude, passau.longitude) == ("Passau", 48.5665, 13.4312)
    assert passau.timezone == "Europe/Berlin"
    assert list(passau.opening_hours.values_list("weekday", "opens", "closes")) == [
        *((weekday, datetime.time(8), datetime.time(20)) for weekday in range(5)),
        (5, datetime.time(8), datetime.time(18)),
    ]
    assert all(47 < lat < 55.1 and 5.8 < lon < 15.1 for lat, lon in _coordinates())


def _coordinates():
    return Store.objects.values_list("latitude", "longitude")


def test_seed_demo_creates_at_least_200_products_with_valid_gtins():
    call_command("seed_demo")

    gtins = list(Product.objects.values_list("gtin", flat=True))
    assert len(gtins) >= 200
    assert len(set(gtins)) == len(gtins)
    assert all(_gtin_check_digit_is_right(gtin) for gtin in gtins)


def _gtin_check_digit_is_right(gtin: str) -> bool:
    weights = [1, 3] * 6
    total = sum(int(digit) * weight for digit, weight in zip(gtin[:12], weights, strict=True))
    return len(gtin) == 13 and (10 - total % 10) % 10 == int(gtin[12])


def test_seed_demo_links_the_cordless_drill_to_its_bits_and_batteries():
    call_command("seed_demo")

    drill = Product.objects.get(sku="AKKU-BS-18V")
    assert drill.name.startswith("Akku-Bohrschrauber 18V")
    assert sorted(drill.accessories.values_list("sku", flat=True)) == [
        "AKKU-18V-20AH",
        "AKKU-18V-40AH",
        "BIT-SET-32",
        "HOLZBOHRER-SET-8",
        "HSS-BOHRER-SET-19",
        "LADEGERAET-18V",
        "STEINBOHRER-SET-5",
    ]
    # Six delivered; Frau Müller has collected one (the demo's story order).
    assert StockLevel.objects.get(store__code="PAS-01", product=drill).on_hand == 5


def test_seed_demo_gives_every_store_a_stock_row_for_every_product():
    call_command("seed_demo")

    assert StockLevel.objects.count() == Store.objects.count() * Product.objects.count()
    assert StockLevel.objects.filter(on_hand__gt=0).count() > StockLevel.objects.count() * 0.8


def test_seed_demo_stock_is_explained_by_its_ledger_so_reconcile_finds_no_drift():
    call_command("seed_demo")

    ledger = {
        row["stock_level"]: (row["on_hand"], row["reserved"])
        for row in StockMovement.objects.values("stock_level").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
    }
    levels = StockLevel.objects.values_list("pk", "on_hand", "reserved")
    assert all(ledger.get(pk, (0, 0)) == (on_hand, reserved) for pk, on_hand, reserved in levels)
    assert stock_drift_list() == []


def test_seed_demo_gives_every_store_a_clerk_and_passau_a_manager():
    call_command("seed_demo")

    memberships = set(StaffMembership.objects.values_list("user__username", "store__code", "role"))
    clerks = {
        (f"clerk.{code.lower()}", code, StaffMembership.Role.CLERK)
        for code in Store.objects.values_list("code", flat=True)
    }
    assert memberships == clerks | {("manager.pas-01", "PAS-01", StaffMembership.Role.MANAGER)}
    clerk = _log_in(username="clerk.pas-01", password="demo")
    manager = _log_in(username="manager.pas-01", password="demo")
    assert (clerk.is_staff, clerk.is_superuser) == (True, False)
    assert (manager.is_staff, manager.is_superuser) == (True, False)


def test_seed_demo_password_option_sets_the_clerks_password_too():
    call_command("seed_demo")

    call_command("seed_demo", "--password", "s3cret-counter")

    assert _log_in(username="clerk.pas-01", password="demo") is None
    assert _log_in(username="clerk.ber-01", password="s3cret-counter") is not None
    assert _log_in(username="manager.pas-01", password="s3cret-counter") is not None


def test_seed_demo_run_twice_creates_no_store_product_stock_or_ledger_row_again():
    call_command("seed_demo")
    first = _row_counts()

    call_command("seed_demo")

    assert _row_counts() == first


def test_seed_demo_run_again_keeps_stock_that_changed_since():
    call_command("seed_demo")
    level = StockLevel.objects.get(store__code="PAS-01", product__sku="AKKU-BS-18V")
    stock_reserve(
        store_id=level.store_id,
        requests=[StockRequest(product_id=level.product_id, quantity=2, reference="order-line:1")],
    )

    call_command("seed_demo")

    # One drill was already held for the demo's transfer from Passau to Deggendorf, and one of
    # the six delivered has left with Frau Müller.
    assert StockLevel.objects.values_list("on_hand", "reserved").get(pk=level.pk) == (5, 3)
    assert stock_drift_list() == []


def test_seed_demo_reports_what_it_did():
    output = io.StringIO()

    call_command("seed_demo", stdout=output)

    assert "stores: 25 demo stores (25 new)" in output.getvalue()
    assert "stock: " in output.getvalue()
    assert "Demo data ready" in output.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            Store,
            OpeningHours,
            StoreClosure,
            StaffMembership,
            Product,
            Product.accessories.through,
            StockLevel,
            StockMovement,
        )
    }
