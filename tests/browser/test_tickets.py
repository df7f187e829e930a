"""A customer writes in Korean; an agent takes the ticket, replies with a macro; the customer
reads the reply and marks the ticket solved."""

import pytest

from helpcenter.models import SearchRecord
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tickets.models import Macro, SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MACRO = "{customer_name}님, 문의 {reference} 건의 출금이 승인되었습니다."


def is_settled_search(response):
    return "/helpcenter/search/" in response.url and "live=1" not in response.url


def test_korean_ticket_from_contact_form_to_solved(live_server, page_factory, customer, agent):
    SlaPolicy.objects.create(
        name="Default",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=480,
    )
    Macro.objects.create(key="released", language="ko", name="출금 승인", body=MACRO)

    customer_page = page_factory()
    log_in(customer_page, live_server.url, "ko", customer.email)
    customer_page.goto(f"{live_server.url}/ko/contact/?q=출금 지연")
    assert customer_page.input_value("input[name=subject]") == "출금 지연"
    subject = customer_page.locator("input[name=subject]")
    subject.fill("")
    subject.press_sequentially("USDT 출금 지연", delay=120)  # suggestions as they type
    customer_page.wait_for_timeout(600)
    customer_page.select_option("select[name=category]", "deposit_withdrawal")
    with customer_page.expect_response(is_settled_search):  # leaving the subject settles it
        customer_page.fill("textarea[name=description]", "USDT 출금이 여섯 시간째 대기 중입니다.")
    customer_page.wait_for_load_state("networkidle")
    customer_page.locator("main form button[type=submit]").click()
    customer_page.wait_for_load_state("networkidle")
    searches = SearchRecord.objects.filter(source="contact_form")
    assert list(searches.values_list("query", flat=True)) == [
        "USDT 출금 지연"
    ]  # not each keystroke
    ticket = Ticket.objects.get()
    assert customer_page.url.endswith(f"/ko/tickets/{ticket.reference}/")
    assert ticket.language == "ko"
    screenshot(customer_page, "tickets-customer-submitted-ko")

    agent_page = page_factory(viewport={"width": 1280, "height": 900})
    log_in(agent_page, live_server.url, "en", agent.email)
    agent_page.goto(f"{live_server.url}/console/tickets/?view=open")
    agent_page.click(f"text={ticket.reference}")
    agent_page.wait_for_load_state("networkidle")
    with agent_page.expect_navigation():
        agent_page.keyboard.press("t")  # the "take" shortcut
    agent_page.wait_for_load_state("networkidle")
    agent_page.select_option(".composer select[name=macro]", label="출금 승인")
    expected = f"owner님, 문의 {ticket.reference} 건의 출금이 승인되었습니다."
    assert agent_page.input_value(".composer textarea[name=body]") == expected
    agent_page.locator(".composer button[type=submit]").click()
    agent_page.wait_for_load_state("networkidle")
    screenshot(agent_page, "tickets-agent-replied")
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.first_responded_at is not None

    customer_page.reload()
    assert expected in customer_page.locator(".conversation").inner_text()
    customer_page.locator(f"form[action$='/{ticket.reference}/solve/'] button").click()
    customer_page.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    screenshot(customer_page, "tickets-customer-solved-ko")
