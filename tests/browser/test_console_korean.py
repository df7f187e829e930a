"""The Korean console: a ticket's timeline reads as Korean sentences, the customer panel and the
transaction lookup are in Korean, and neither the ticket page nor the macros page is wider than
the screen, on a 1280×800 desktop and on a 390×844 phone."""

import json
import re

import pytest

from support.demo import exchange_account_data
from support.models import DemoExchangeAccount, Team
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source, overflow, report
from tests.browser.test_home_pages import log_in
from tickets.intake import InboundMessage, intake_message
from tickets.models import Macro, SlaPolicy
from tickets.services import ticket_assign, ticket_set_priority, ticket_set_tags, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
ACCOUNT = exchange_account_data("owner@example.com", "institutional", "verified", seed=3)
HELD_ADDRESS = ACCOUNT["transfers"][0]["address"]
RAW_CODES = re.compile(
    r"\b(status|sla_policy|team|tags|priority|assignee|new|pending|open|urgent|normal|"
    r"deposit_withdrawal|withdrawal|deposit|held|confirming|completed)\b|→"
)


@pytest.fixture
def korean_ticket(customer, agent, teammate, team):
    """A Korean customer's withdrawal ticket that has been through the usual changes."""
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    DemoExchangeAccount.objects.create(account_id="EX-1", data=json.loads(json.dumps(ACCOUNT)))
    agent.first_name = "김민준"
    agent.save(update_fields=["first_name"])
    agent.agent_profile.preferred_language = "ko"
    agent.agent_profile.save(update_fields=["preferred_language"])
    ticket = intake_message(
        InboundMessage(
            channel="web",
            customer_email=customer.email,
            subject="USDT 출금 지연",
            text=f"USDT 500개 출금이 여섯 시간째 대기 중입니다. 받는 주소: {HELD_ADDRESS}",
            language_hint="ko",
        )
    )
    korea = Team.objects.create(slug="korea", name="한국팀")
    ticket = ticket_assign(ticket=ticket, agent=agent, team=korea, by=agent)
    ticket = ticket_set_priority(ticket=ticket, priority="high", by=agent)
    ticket = ticket_set_tags(ticket=ticket, tags=["출금", "vip"], by=agent)
    ticket = ticket_transition(ticket=ticket, to="pending", by=agent)
    return ticket


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def fits_its_box(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "el => el.scrollWidth <= el.clientWidth")


@pytest.mark.parametrize("size", SIZES)
def test_the_korean_ticket_page_reads_in_korean_and_fits_the_screen(
    live_server, page_factory, korean_ticket, agent, size
):
    width, height = SIZES[size]
    page = page_factory(viewport={"width": width, "height": height})
    log_in(page, live_server.url, "ko", agent.email)
    page.goto(f"{live_server.url}/console/tickets/{korean_ticket.reference}/")
    assert page.locator("html").get_attribute("lang") == "ko"

    events = page.locator("[data-testid=event]").all_inner_texts()
    assert len(events) >= 6
    timeline = "\n".join(events)
    assert "김민준 님이 상태를 '진행 중'에서 '고객 응답 대기'(으)로 변경했습니다." in timeline
    assert "'한국팀' 팀으로 옮겼습니다." in timeline
    assert re.search(r"태그를 추가했습니다: (vip, 출금|출금, vip)\.", timeline)
    assert not RAW_CODES.search(timeline), timeline

    panel = page.locator(".customer-360").inner_text()
    assert "티켓" in panel and "최근 입출금" in panel
    assert not RAW_CODES.search(panel), panel
    found = page.locator("[data-testid=lookup-results]").inner_text()
    assert "출금" in found and "검토 보류" in found
    assert page.locator("[data-testid=lookup-results] a[data-testid=explorer]").count() == 0
    address_link = page.locator(f"[data-testid=lookup-results] a[href$='{HELD_ADDRESS}']")
    assert address_link.get_attribute("href").startswith("https://tronscan.org/")

    assert no_horizontal_overflow(page), page.evaluate("document.scrollingElement.scrollWidth")
    assert fits_its_box(page, ".customer-360")
    assert fits_its_box(page, "#transactions")
    screenshot(page, f"console-ticket-ko-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_a_supervisors_korean_pages_pass_wcag_and_fit_the_screen(
    live_server, page_factory, korean_ticket, supervisor, size
):
    """The ticket page with its release and fee-refund forms, and the macros page."""
    supervisor.agent_profile.preferred_language = "ko"
    supervisor.agent_profile.save(update_fields=["preferred_language"])
    names = {"ko": "트랜잭션 해시 요청", "ja": "トランザクションハッシュのお願い"}
    for language, name in names.items():
        Macro.objects.create(key="need-tx-hash", language=language, name=name, body="…")
    width, height = SIZES[size]
    page = page_factory(viewport={"width": width, "height": height})
    log_in(page, live_server.url, "ko", supervisor.email)
    axe = axe_source()
    found, wide = {}, {}

    page.goto(f"{live_server.url}/console/tickets/{korean_ticket.reference}/")
    assert page.locator("#transactions form.transfer-action").count() == 1  # the held one
    page.locator("#transactions details.transfer-action summary").first.click()  # fee refund
    found["ticket"], wide["ticket"] = audit(page, axe), overflow(page)

    page.goto(f"{live_server.url}/console/macros/")
    table = page.locator("[data-testid=macros]").inner_text()
    assert "트랜잭션 해시 요청" in table and "이 언어 추가" in table
    found["macros"], wide["macros"] = audit(page, axe), overflow(page)
    screenshot(page, f"console-macros-ko-{size}")

    assert not any(found.values()) and not any(wide.values()), report(found, wide)
