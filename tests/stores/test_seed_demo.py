import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from stores.roles import HOTLINE_AGENTS_GROUP

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_admin_and_hotline_agent_with_the_demo_password():
    call_command("seed_demo", stdout=None)

    admin = authenticate(username="admin", password="demo")
    agent = authenticate(username="agent", password="demo")
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

    assert authenticate(username="agent", password="demo") is None
    assert authenticate(username="agent", password="s3cret-counter") is not None
