"""A supervisor searches the audit log in English on a desktop and in Korean on a phone: the
page passes axe-core's WCAG 2.1 AA rules, fits the screen, and its export downloads."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from support.audit import audit_record
from support.audit_models import AuditAction, AuditEntry
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import DESKTOP, PHONE, audit, axe_source, overflow, report
from tests.browser.test_home_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "viewport"), [("en", DESKTOP), ("ko", PHONE)])
def test_a_supervisor_searches_the_audit_log(
    live_server, page_factory, supervisor, agent, customer, language, viewport
):
    supervisor.agent_profile.preferred_language = language
    supervisor.agent_profile.save(update_fields=["preferred_language"])
    audit_record(AuditAction.CUSTOMER_VIEWED, actor=agent, target=customer, customer=customer)
    audit_record(AuditAction.FORUM_TOPIC_LOCKED, actor=agent, detail={"reason": "FAQ"})
    with translation.override(language):
        viewed = gettext("Customer account viewed")
        locked = gettext("Forum topic locked")
    axe, found, wide = axe_source(), {}, {}
    page = page_factory(viewport=viewport, is_mobile=viewport is PHONE)
    log_in(page, live_server.url, language, supervisor.email)

    page.goto(f"{live_server.url}/console/audit/")
    table = page.locator("[data-testid=audit-entries]")
    assert viewed in table.inner_text() and locked in table.inner_text()
    page.fill("#id_customer", customer.email)
    page.locator("[data-testid=audit-filters] button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    assert viewed in table.inner_text()
    assert locked not in table.inner_text()
    if violations := audit(page, axe):
        found["audit-log"] = violations
    if pixels := overflow(page):
        wide["audit-log"] = pixels
    screenshot(page, f"audit-log-{language}-{viewport['width']}")
    with page.expect_download() as download:
        page.locator("[data-testid=audit-export]").click()
    assert download.value.suggested_filename == "audit-log.csv"
    assert not found and not wide, report(found, wide)
    assert AuditEntry.objects.filter(action=AuditAction.AUDIT_EXPORTED, actor=supervisor).exists()
