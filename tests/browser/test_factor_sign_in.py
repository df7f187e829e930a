"""Two-factor sign-in in a real browser: a new agent enrols TOTP at the first sign-in (reading
the key off the page as an authenticator app would), signs in again with a code, views a
customer, and the supervisor finds that view in the audit log. The pages at phone width."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from support.roles import Role
from tests.browser.conftest import pass_second_factor, screenshot
from tests.browser.test_home_pages import log_in
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str) -> str:
    """What an authenticator app shows now for the key the page gave."""
    return f"{TOTP(b32decode(secret)).token():06d}"


def test_an_agent_enrols_signs_in_with_a_code_and_the_view_is_audited(
    live_server, page_factory, customer
):
    agent = make_person("newagent@example.com", Role.AGENT, languages=["en"])
    TOTPDevice.objects.filter(user=agent).delete()  # a new colleague: no factor yet
    supervisor = make_person("lead@example.com", Role.SUPERVISOR, languages=["en"])
    base = live_server.url
    page = page_factory(viewport={"width": 390, "height": 844})

    page.goto(f"{base}/en/accounts/log-in/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/two-factor/set-up/" in page.url
    assert page.locator(".qr-code svg").is_visible()
    code_field = page.locator("input[name=otp_token]")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "factor-enrol-390")
    secret = page.locator("[data-testid=totp-secret]").inner_text()
    code_field.fill(app_code(secret))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    screenshot(page, "factor-recovery-codes-390")
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/console/"

    page = page_factory(viewport={"width": 390, "height": 844})  # another day, a new browser
    page.goto(f"{base}/en/accounts/log-in/")
    page.fill("input[name=username]", agent.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/two-factor/verify/" in page.url
    screenshot(page, "factor-verify-390")
    pass_second_factor(page, agent.email)
    assert page.url == f"{base}/console/"

    page.goto(f"{base}/console/customers/{customer.pk}/")
    assert page.locator("main").inner_text().count(customer.email) >= 1

    lead = page_factory(viewport={"width": 1280, "height": 900})
    log_in(lead, base, "en", supervisor.email)
    lead.goto(f"{base}/console/audit/?actor={agent.email}&action=customer_viewed")
    rows = lead.locator("main table tbody tr")
    assert rows.count() == 1
    assert customer.email in rows.first.inner_text()
    screenshot(lead, "factor-audit-log-1280")
