import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_staff_console_login_page_renders_in_a_real_browser(new_page, screenshot):
    page = new_page()

    page.goto("/admin/login/")

    assert page.locator("input[name=username]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    screenshot(page, "console-login")
