"""The campaign editor for marketing: create and edit a draft, preview, send a test to yourself,
send, follow the progress; nobody else sees it; a sent campaign no longer changes."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from messaging.models import Notification
from newsletter.models import Campaign, CampaignMessage
from newsletter.services import campaign_message_deliver
from stores.roles import MARKETING_GROUP
from tests.inventory.factories import ProductFactory
from tests.newsletter.factories import CampaignFactory
from tests.orders.factories import CustomerFactory
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    user = UserFactory(username="marketing", email="marketing@example.com", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=MARKETING_GROUP)[0])
    return user


@pytest.fixture
def marketing_client(client, marketing):
    client.force_login(marketing)
    return client


def _post_new(client, **changes):
    drill = ProductFactory(sku="DRILL", name="Akku-Bohrschrauber 18V")
    data = {
        "name": "Werkzeugwochen",
        "code": "werkzeugwochen",
        "channel": "email",
        "subject_de": "Werkzeugwochen",
        "body_de": "# Werkzeugwochen\n\n**Nur diese Woche**",
        "subject_en": "",
        "body_en": "",
        "products": [drill.pk],
        "segment_language": "",
        "segment_category": "",
        "scheduled_at_0": "",
        "scheduled_at_1": "",
        **changes,
    }
    return client.post("/admin/newsletter/campaign/add/", data)


def test_marketing_creates_a_draft_campaign_in_the_console(marketing_client, marketing):
    response = _post_new(marketing_client)

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.state, campaign.created_by) == ("draft", marketing)
    assert [product.sku for product in campaign.products.all()] == ["DRILL"]


def test_a_code_used_before_is_refused_by_the_form(marketing_client):
    CampaignFactory(code="werkzeugwochen")

    response = _post_new(marketing_client)

    assert response.status_code == 200
    assert Campaign.objects.count() == 1


def test_the_preview_renders_the_markdown_safely(marketing_client):
    campaign = CampaignFactory(body_de="**fett** <b>roh</b>")

    html = marketing_client.get(f"/admin/newsletter/campaign/{campaign.pk}/preview/").content

    assert b"<strong>fett</strong>" in html
    assert b"&lt;b&gt;roh&lt;/b&gt;" in html


def test_send_test_to_me_mails_only_the_marketing_user(marketing_client):
    CustomerFactory(email_promotions_consent=True)
    campaign = CampaignFactory()

    response = marketing_client.post(f"/admin/newsletter/campaign/{campaign.pk}/send-test/")
    campaign_message_deliver(CampaignMessage.objects.get().pk)

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["marketing@example.com"]]
    campaign.refresh_from_db()
    assert campaign.state == "draft"


def test_sending_from_the_console_starts_the_campaign_and_shows_progress(
    marketing_client, django_capture_on_commit_callbacks
):
    CustomerFactory(email_promotions_consent=True)
    campaign = CampaignFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        marketing_client.post(f"/admin/newsletter/campaign/{campaign.pk}/schedule/")
    page = marketing_client.get(f"/admin/newsletter/campaign/{campaign.pk}/change/")
    progress = marketing_client.get(f"/admin/newsletter/campaign/{campaign.pk}/progress/")

    campaign.refresh_from_db()
    assert campaign.state == "scheduled"
    assert len(callbacks) == 1
    assert "Cancel campaign" in page.content.decode()
    assert progress.json()["state"] == "scheduled"


def test_a_sent_campaign_cannot_be_changed_in_the_console(marketing_client):
    campaign = CampaignFactory(state="sent", name="Alt")

    page = marketing_client.get(f"/admin/newsletter/campaign/{campaign.pk}/change/")
    post = marketing_client.post(
        f"/admin/newsletter/campaign/{campaign.pk}/change/", {"name": "Neu"}
    )

    campaign.refresh_from_db()
    assert page.status_code == 200
    assert b'id="campaign-progress"' in page.content
    assert post.status_code == 403
    assert campaign.name == "Alt"


@pytest.mark.parametrize("who", ["clerk", "agent", "manager"])
def test_campaigns_are_for_marketing_only(client, who, request):
    user = request.getfixturevalue(who)
    campaign = CampaignFactory()
    client.force_login(user)

    listing = client.get("/admin/newsletter/campaign/")
    send = client.post(f"/admin/newsletter/campaign/{campaign.pk}/send-test/")

    assert listing.status_code == 403
    assert send.status_code == 404
    assert not CampaignMessage.objects.exists()
    assert not Notification.objects.exists()


def test_an_unknown_campaign_answers_404(marketing_client):
    assert marketing_client.get("/admin/newsletter/campaign/999999/preview/").status_code == 404
    assert marketing_client.post("/admin/newsletter/campaign/999999/schedule/").status_code == 404
