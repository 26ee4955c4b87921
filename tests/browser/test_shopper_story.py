"""Frau Müller's story on a phone: she finds the cordless drill, chooses Passau and the 18:00
slot, pays by SEPA direct debit, asks to be told by e-mail and SMS, gets the confirmation and the
"ready" message with her pickup code on both channels, collects it with that code, and only then
is the debit submitted. Screenshots at 390, 768 and 1280 px go to var/screenshots/."""

import re

import pytest
from django.core import mail

from messaging import sms
from messaging.models import Notification
from messaging.services import notification_deliver
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_hand_over, order_mark_ready, order_start_picking
from payments.models import Payment, SepaMandate, SideEffect
from payments.services import side_effect_perform
from tests.shop import data
from tests.stores.factories import StaffMembershipFactory
from tests.support.clock import STORY_MORNING, berlin, freeze

pytestmark = pytest.mark.django_db(transaction=True)


def _deliver(order: Order, template: str) -> tuple[mail.EmailMessage, str]:
    """Sends the order's queued messages of `template` as the worker would; the e-mail and the
    SMS that went out."""
    rows = Notification.objects.filter(order=order, template=template).order_by("channel")
    assert sorted(row.channel for row in rows) == ["email", "sms"]
    sent_before = len(mail.outbox), len(sms.sandbox_outbox)
    statuses = [notification_deliver(notification_id=row.pk) for row in rows]
    assert statuses == ["sent", "sent"]
    assert (len(mail.outbox), len(sms.sandbox_outbox)) == (sent_before[0] + 1, sent_before[1] + 1)
    return mail.outbox[-1], sms.sandbox_outbox[-1].body


def test_frau_mueller_picks_18_00_in_passau_pays_by_direct_debit_and_is_debited_after_pickup(
    new_page, screenshot, monkeypatch
):
    freeze(monkeypatch, STORY_MORNING)
    sms.sandbox_outbox.clear()
    passau = data.passau_store()
    data.drill_stocked(
        passau=passau, regensburg=data.regensburg_store(), drill=data.drill_product()
    )
    clerk = StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user
    page = new_page(locale="en-US", mobile=True)

    page.goto("/")
    page.get_by_label("Search products").fill("Akku-Schrauber")
    page.get_by_role("button", name="Search").click()
    # An English reader sees the English name the catalogue holds.
    page.get_by_role("link", name=re.compile("Cordless drill driver 18V")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Cordless drill driver 18V, 2 batteries, in a case"
    )
    page.get_by_label("Postcode or city").fill("Passau")
    page.get_by_role("button", name="Show nearest").click()
    passau_card = page.locator("li.store").first
    assert passau_card.locator(".ready time").inner_text() == "today, 13:00"
    passau_card.get_by_role("link", name="Pickup times").click()
    slots = page.locator("#slots")
    assert slots.locator("h3").inner_text() == "Pickup times at Baumarkt Passau"
    assert "In stock here: ready from today, 13:00" in slots.inner_text()
    screenshot(page, "story-product-slots-390")
    slots.get_by_role("link", name="today, 18:00").click()

    slot = page.get_by_label("Pickup time")
    assert slot.input_value() == "2026-12-03T18:00:00+01:00"
    assert "Today, Thu, Dec 3, 18:00–19:00" in slot.locator("option:checked").inner_text()
    page.get_by_label("Your name").fill("Maria Müller")
    page.get_by_label("E-mail address").fill("maria.mueller@example.com")
    page.get_by_label("Mobile number (optional)").fill("0170 1234567")
    assert page.get_by_label("E-mail", exact=True).is_checked()
    page.get_by_label("Text message (SMS)").check()
    page.get_by_text("Direct debit: debited from your account only after you collect").click()
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_label("Account holder").fill("Maria Müller")
    assert page.locator("#mandate-text").inner_text().startswith("I authorise Click & Collect")
    page.get_by_label("I give the SEPA direct debit mandate above.").check()
    screenshot(page, "story-checkout-390")
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/orders/[A-Z0-9]+/\?token=[0-9a-f]{40}$"))
    order = Order.objects.get()
    assert (order.pickup_slot, order.payment_method) == (berlin(3, 18), "sepa_debit")
    assert order.customer.phone == "+491701234567"
    assert page.locator(".lines .name").inner_text() == (
        "Cordless drill driver 18V, 2 batteries, in a case"
    )
    assert (
        page.get_by_test_id("pickup-slot")
        .inner_text()
        .startswith("Your pickup time: today, 18:00–19:00")
    )
    assert page.get_by_test_id("payment").inner_text() == (
        "Direct debit: the amount is debited from your account only after you collect."
    )
    mandate = SepaMandate.objects.get(order=order)
    assert f"Mandate reference {mandate.reference}" in page.content()
    assert page.get_by_role("link", name="Add to calendar").is_visible()
    screenshot(page, "story-order-390")
    order_url = page.url

    for width in (768, 1280):
        wide = new_page(locale="en-US", width=width)
        wide.goto(f"/products/{data.drill_product().sku}/checkout/?store=PAS-01")
        wide.get_by_text("Direct debit: debited from your account").click()
        screenshot(wide, f"story-checkout-{width}")
        wide.goto(order_url)
        assert wide.get_by_test_id("pickup-slot").is_visible()
        screenshot(wide, f"story-order-{width}")

    confirmation, confirmation_sms = _deliver(order, "confirmation")
    assert confirmation.to == ["maria.mueller@example.com"]
    assert confirmation.subject == f"Your order {order.number} has been received"
    assert "- 1 × Cordless drill driver 18V, 2 batteries, in a case (AKKU-BS-18V)" in (
        confirmation.body
    )
    assert "Your pickup time: Thu, 3 Dec 2026, 18:00–19:00." in confirmation.body
    assert order_url.split("/orders/")[1] in confirmation.body
    assert confirmation_sms.startswith(
        f"Order {order.number} received. Pickup time: Thu, 3 Dec 2026, 18:00–19:00."
    )
    assert sms.sandbox_outbox[-1].to == "+491701234567"

    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    ready, ready_sms = _deliver(order, "ready")
    code = order_pickup_code_for_shopper(order=order)
    assert re.fullmatch(r"\d{6}", code)
    assert f"Your pickup code: {code}" in ready.body
    assert f"Pickup code: {code}" in ready_sms
    assert "Pickup time: Thu, 3 Dec 2026, 18:00–19:00." in ready_sms
    page.reload()
    assert page.get_by_test_id("pickup-code").inner_text() == code
    screenshot(page, "story-ready-390")
    # Ready is not collected: nothing is debited yet, nor queued to be.
    assert not SideEffect.objects.filter(kind="payment_debit").exists()
    assert Payment.objects.get(order=order).state == "mandated"
    assert page.get_by_test_id("payment").inner_text() == (
        "Direct debit: the amount is debited from your account only after you collect."
    )

    # At the counter she reads the code from her SMS.
    order_hand_over(order=order, by=clerk, pickup_code=ready_sms.rsplit(" ", 1)[-1])
    debit = SideEffect.objects.get(kind="payment_debit")
    assert (debit.order_id, debit.status) == (order.pk, "pending")
    side_effect_perform(side_effect_id=debit.pk)
    page.reload()

    assert Payment.objects.get(order=order).state == "submitted"
    assert page.get_by_test_id("payment").inner_text() == (
        "Direct debit: submitted after you collected; it shows on your account within a few days."
    )
    screenshot(page, "story-collected-390")
