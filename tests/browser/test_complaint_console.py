"""A complaint officer works a complaint in the console: the queue and the complaint's page on a
desktop and on a phone (never wider than the screen), acknowledges it, then decides it with the
letter drafted in the complaint's language for the chosen outcome."""

import pytest

from complaints.models import Complaint, ComplaintMessage, Stage
from complaints.services import complaint_submit
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source, report
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def accessible(page, axe: str, where: str) -> None:
    """No WCAG 2.1 A/AA violation (axe-core) and nothing wider than the screen."""
    violations = audit(page, axe)
    wide = overflow(page)
    assert not violations and not wide, report({where: violations}, {where: wide} if wide else {})


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


def test_officer_acknowledges_and_decides_a_complaint_on_desktop_and_phone(
    live_server, page_factory, customer
):
    officer = make_person("officer@example.com", Role.COMPLAINTS_OFFICER, languages=["en"])
    complaint = complaint_submit(
        customer=customer,
        category="transfer_delay",
        description="My USDT withdrawal W-9 has been held for five days without a word.",
        desired_outcome="Release it and explain why.",
        language="en",
    )

    axe = axe_source()
    desk = page_factory(viewport=DESKTOP)
    log_in(desk, live_server.url, "en", officer.email)
    desk.goto(f"{live_server.url}/console/complaints/?tab=new")
    row = desk.locator(f"[data-key='{complaint.reference}']")
    assert "Acknowledge: due in" in row.inner_text()
    accessible(desk, axe, "queue, desktop")
    screenshot(desk, "complaints-console-queue-desktop")
    row.get_by_role("link", name=complaint.reference).click()
    desk.wait_for_load_state("networkidle")
    assert "held for five days" in desk.get_by_test_id("description").inner_text()
    accessible(desk, axe, "complaint, desktop")
    screenshot(desk, "complaints-console-complaint-desktop")
    desk.get_by_test_id("action-acknowledge").get_by_role("button").click()
    desk.wait_for_load_state("networkidle")
    assert desk.get_by_test_id("stage").inner_text() == "Acknowledged"
    assert Complaint.objects.get(pk=complaint.pk).officer == officer

    phone = page_factory(viewport=PHONE)
    log_in(phone, live_server.url, "en", officer.email)
    phone.goto(f"{live_server.url}/console/complaints/?tab=progress")
    accessible(phone, axe, "queue, phone")
    screenshot(phone, "complaints-console-queue-phone")
    phone.get_by_role("link", name=complaint.reference).click()
    phone.wait_for_load_state("networkidle")
    accessible(phone, axe, "complaint, phone")
    letter = phone.locator("#id_decide-letter")
    assert "we uphold it:" in letter.input_value()
    phone.select_option("#id_decide-outcome", "partly_upheld")
    assert "uphold it in part" in letter.input_value()  # the draft follows the outcome
    phone.fill("#id_decide-reason", "The hold was a routine check that ran two days too long.")
    phone.fill("#id_decide-remedy", "We refund the withdrawal fee.")
    edited = (
        letter.input_value()
        .replace("[What you looked at and what you found.]", "A routine check ran too long.")
        .replace("[What we will do, how much, and by when.]", "We refund the fee today.")
    )
    letter.fill(edited)
    screenshot(phone, "complaints-console-decide-phone")
    phone.get_by_test_id("action-decide").get_by_role("button").click()
    phone.wait_for_load_state("networkidle")
    assert phone.get_by_test_id("stage").inner_text() == "Decided"
    assert overflow(phone) == 0
    screenshot(phone, "complaints-console-decided-phone")
    decided = Complaint.objects.get(pk=complaint.pk)
    assert (decided.stage, decided.outcome) == (Stage.DECIDED, "partly_upheld")
    sent = decided.messages.get(kind=ComplaintMessage.Kind.LETTER).body
    assert "A routine check ran too long." in sent and complaint.reference in sent
