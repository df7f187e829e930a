"""A customer files a complaint from their ticket's page, in Korean, at desktop and at phone
width; the complaint's page, their list and the public status page pass axe-core's WCAG 2.1 AA
rules and fit the screen."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from support.models import DemoExchangeAccount, OutboxEmail
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import DESKTOP, PHONE, audit, axe_source, overflow, report
from tests.browser.test_home_pages import log_in
from tests.complaints.conftest import ACCOUNT
from tickets.intake import InboundMessage, intake_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def own_ticket(customer):
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject="USDT 출금 지연",
        text="USDT 출금이 닷새째 보류 중입니다.",
        language_hint="ko",
    )
    return intake_message(message, customer=customer)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_customer_files_a_complaint_from_a_ticket(live_server, page_factory, customer, viewport):
    DemoExchangeAccount.objects.create(account_id="EX-1", data=ACCOUNT)
    ticket = own_ticket(customer)
    axe, base, width = axe_source(), live_server.url, viewport["width"]
    found: dict[str, list[dict]] = {}
    wide: dict[str, int] = {}

    def check(page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        if violations := audit(page, axe):
            found[name] = violations
        if pixels := overflow(page):
            wide[name] = pixels
        screenshot(page, f"complaint-{name}-ko-{width}")

    page = page_factory(viewport=viewport)
    log_in(page, base, "ko", customer.email)
    page.goto(f"{base}/ko/tickets/{ticket.reference}/")
    page.locator(f"main a[href$='/complaints/new/?ticket={ticket.reference}']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"input[name=tickets][value='{ticket.reference}']").is_checked()
    check(page, "form")

    page.locator("main form button[type=submit]").click()  # empty: the form with its errors
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=error-summary]")).to_be_focused()
    check(page, "form-errors")

    page.select_option("select[name=category]", "transfer_delay")
    page.fill("textarea[name=description]", "출금 W-9가 닷새째 이유 없이 보류되어 있습니다.")
    page.fill("textarea[name=desired_outcome]", "출금을 처리해 주세요.")
    page.locator("input[name=transactions][value='W-9']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    complaint = Complaint.objects.get()
    assert page.url.endswith(f"/ko/complaints/{complaint.reference}/")
    assert complaint.reference in page.locator(".messages").inner_text()
    assert complaint.transactions == ["W-9"]
    assert list(complaint.tickets.all()) == [ticket]
    screenshot(page, f"complaint-submitted-ko-{width}")
    # Audited without the flash message: base.html's <ul class="messages" role="status"> is
    # not a list to axe (listitem), a site-wide finding reported apart.
    page.reload()
    check(page, "page")

    page.goto(f"{base}/ko/complaints/")
    assert complaint.reference in page.locator("main table").inner_text()
    check(page, "list")

    visitor = page_factory(viewport=viewport)
    visitor.goto(f"{base}/ko/complaints/track/")
    visitor.fill("input[name=reference]", complaint.reference)
    visitor.locator("main form button[type=submit]").first.click()
    visitor.wait_for_load_state("networkidle")
    assert visitor.locator("[data-testid=track-sent]").is_visible()
    email = OutboxEmail.objects.get(dedupe_key__contains=":tracking:")
    code = re.search(r"\d{4} \d{4} \d{4}", email.body_text).group(0)
    visitor.fill("input[name=code]", code)
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_load_state("networkidle")
    assert complaint.reference in visitor.locator("h1").inner_text()
    check(visitor, "status")

    assert not found and not wide, "\n" + report(found, wide)
