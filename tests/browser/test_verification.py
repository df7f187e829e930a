"""A Korean customer checks a Telegram handle that swaps one letter for a Cyrillic one on the
verification page, is told it is not official, and reports it; an agent signs in to the console
and finds the scam-report ticket. On a 1280×800 desktop and on a 390×844 phone."""

import pytest

from support.official.models import OfficialChannel
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source
from tests.browser.test_accessibility import report as axe_report
from tests.browser.test_home_pages import log_in
from tickets.models import SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
FAKE = "@\u0435xchange_support"  # the first letter is the Cyrillic е


@pytest.fixture
def official(db):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    OfficialChannel.objects.create(
        kind="telegram", value="@exchange_support", description={"ko": "고객지원 공식 채널"}
    )
    OfficialChannel.objects.create(kind="kakaotalk", value="exchange_kr", languages=["ko"])
    OfficialChannel.objects.create(kind="domain", value="exchange.example")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_a_korean_customer_reports_a_fake_handle_and_an_agent_sees_the_ticket(
    live_server, page_factory, official, agent, size
):
    width, height = SIZES[size]
    page = page_factory(viewport={"width": width, "height": height}, locale="ko-KR")
    page.goto(f"{live_server.url}/ko/help/verify/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert "exchange_kr" in page.locator("[data-testid=official-list]").inner_text()

    page.select_option("select[name=kind] >> nth=0", "telegram")
    page.fill("input[name=value] >> nth=0", FAKE)
    page.get_by_role("button", name="확인", exact=True).click()
    page.wait_for_load_state("networkidle")

    answer = page.locator("[data-testid=verify-answer]")
    assert answer.get_attribute("data-status") == "lookalike"
    assert "공식 채널이 아닙니다" in answer.inner_text()
    assert "@exchange_support" in answer.inner_text()
    assert "U+0435" in answer.inner_text()  # the Cyrillic letter is named
    assert fits_the_screen(page)
    violations = audit(page, axe_source())  # the answer and the report form, WCAG 2.1 AA
    assert violations == [], axe_report({f"verify-{size}": violations}, {})
    screenshot(page, f"verification-lookalike-ko-{size}")

    report = page.locator(".verify-report form")
    report.locator("textarea[name=contacted_on]").fill(
        "텔레그램으로 고객센터라며 연락이 와서 지갑 주소로 USDT를 보내라고 했습니다."
    )
    report.locator("input[name=email]").fill(f"victim-{size}@example.com")
    report.get_by_role("button", name="신고 보내기").click()
    page.wait_for_load_state("networkidle")

    assert "신고" in page.locator(".messages").inner_text()
    assert fits_the_screen(page)
    screenshot(page, f"verification-reported-ko-{size}")
    ticket = Ticket.objects.get(category="scam_report")
    assert ticket.language == "ko"

    agent.agent_profile.preferred_language = "ko"
    agent.agent_profile.save(update_fields=["preferred_language"])
    console = page_factory(viewport={"width": width, "height": height})
    log_in(console, live_server.url, "ko", agent.email)  # with the second factor staff need
    console.goto(f"{live_server.url}/console/tickets/?view=open")
    console.click(f"text={ticket.reference}")
    console.wait_for_load_state("networkidle")

    heading = console.locator("h1").inner_text()
    assert "사칭 신고" in heading and "xchange_support" in heading
    assert ticket.reference in console.locator(".ticket-main").inner_text()
    # The report itself says a fake "고객센터" wrote on Telegram: the agent is warned too.
    warning = console.locator("[data-testid=impersonation-warning]").inner_text()
    assert "사칭 사기 가능성" in warning
    screenshot(console, f"verification-agent-ticket-ko-{size}")
