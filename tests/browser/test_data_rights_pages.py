"""A Korean customer on a phone asks for a copy of their data and sees that it is being
prepared; the page passes axe-core's WCAG 2.1 AA rules and fits the screen."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from django.utils.translation import gettext

from config.celery import app
from support.data_models import DataExport, ErasureRequest, LegalHold
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import DESKTOP, PHONE, audit, axe_source, overflow, report
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_not_run():
    """The build task goes to the broker, where no worker takes it: the export stays pending,
    as it is between the request and the worker's turn."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)


def words() -> dict[str, str]:
    with translation.override("ko"):
        return {
            "title": gettext("Your data"),
            "ask": gettext("Request a copy of my data"),
            "pending": gettext(
                "Your copy is being prepared. We will email you a download link when it is ready."
            ),
        }


def test_korean_customer_asks_for_their_data_on_a_phone(
    live_server, page_factory, customer, queued_not_run
):
    said, axe = words(), axe_source()
    found: dict[str, list[dict]] = {}
    wide: dict[str, int] = {}

    def check(page, name: str) -> None:
        if violations := audit(page, axe):
            found[name] = violations
        if pixels := overflow(page):
            wide[name] = pixels
        screenshot(page, f"data-rights-{name}-ko-{PHONE['width']}")

    page = page_factory(viewport=PHONE, is_mobile=True)
    log_in(page, live_server.url, "ko", customer.email)
    page.goto(f"{live_server.url}/ko/accounts/data/")
    assert page.locator("main h1").inner_text() == said["title"]
    check(page, "ask")

    page.get_by_role("button", name=said["ask"]).click()
    page.wait_for_selector("[data-testid=export-status]")

    assert page.locator("[data-testid=export-status]").inner_text() == said["pending"]
    assert page.get_by_role("button", name=said["ask"]).count() == 0
    check(page, "pending")
    assert DataExport.objects.get(customer=customer).status == DataExport.Status.PENDING
    assert not found and not wide, "\n" + report(found, wide)


def test_officer_reads_why_an_erasure_is_refused(live_server, page_factory, customer):
    officer = make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    Group.objects.get(name=Role.COMPLAINTS_OFFICER).permissions.add(
        Permission.objects.get(codename="manage_customer_data")
    )  # the data migration's grant, gone with the flush of transactional tests
    LegalHold.objects.create(customer=customer, set_by=officer, reason="Court order 2026-88")
    axe = axe_source()

    page = page_factory(viewport=DESKTOP)
    log_in(page, live_server.url, "en", officer.email)
    page.goto(f"{live_server.url}/console/data-rights/")
    page.get_by_label("Customer's email address").first.fill(customer.email)
    page.get_by_label("Reason", exact=True).first.fill("The customer asked by email.")
    page.get_by_role("button", name="Request erasure").click()
    page.wait_for_selector("[data-testid=error-summary]")

    assert (
        "The customer is under a legal hold."
        in page.locator("[data-testid=error-summary]").inner_text()
    )
    assert "Court order 2026-88" in page.locator("main").inner_text()
    screenshot(page, "data-rights-console-refused-en-1280")
    violations, pixels = audit(page, axe), overflow(page)
    assert not violations and not pixels, "\n" + report(
        {"console": violations}, {"console": pixels}
    )
    assert not ErasureRequest.objects.exists()
