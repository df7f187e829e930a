"""A VIP customer asks for a call in Japanese on a phone; an agent takes the request from the
callback queue, calls, and logs the outcome."""

import pytest

from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import audit, axe_source, overflow
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person
from tickets.models import SlaPolicy, Ticket
from tickets.phone.models import CallbackPolicy, CallbackRequest, CallRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def accessible(page) -> None:
    """axe-core's WCAG 2.1 A/AA rules pass and nothing is wider than the screen."""
    assert audit(page, axe_source()) == []
    assert overflow(page) == 0


def test_a_vip_asks_for_a_call_in_japanese_and_an_agent_logs_it(live_server, page_factory, agent):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    CallbackPolicy.objects.create(eligible_tiers=["vip", "institutional"], target_minutes=240)
    vip = make_person("vip@example.com", Role.CUSTOMER, preferred_language="ja", tier="vip")

    customer_page = page_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(customer_page, live_server.url, "ja", vip.email)
    customer_page.goto(f"{live_server.url}/ja/callback/")
    assert customer_page.locator("h1").inner_text() == "折り返し電話"
    customer_page.fill("input[name=number]", "090-1234-5678")  # read as a Japanese number
    customer_page.select_option("select[name=window]", "evening")
    customer_page.select_option("select[name=topic]", "deposit_withdrawal")
    customer_page.fill("textarea[name=details]", "USDTの出金が6時間保留されています。")
    accessible(customer_page)
    screenshot(customer_page, "phone-callback-form-ja-390")
    customer_page.locator("main form button[type=submit]").click()
    customer_page.wait_for_load_state("networkidle")
    waiting = customer_page.locator("[data-testid=callback-waiting]")
    assert "+81 ••••• 5678 にお電話します。" in waiting.inner_text()
    accessible(customer_page)
    screenshot(customer_page, "phone-callback-waiting-ja-390")
    callback = CallbackRequest.objects.get()
    assert (callback.number, callback.language, callback.window) == (
        "+819012345678",
        "ja",
        "evening",
    )

    agent_page = page_factory(viewport={"width": 1280, "height": 900})
    log_in(agent_page, live_server.url, "en", agent.email)
    agent_page.goto(f"{live_server.url}/console/phone/callbacks/")
    item = agent_page.locator("[data-testid=callback]")
    agent_page.set_viewport_size(PHONE)
    accessible(agent_page)
    screenshot(agent_page, "phone-callback-queue-390")
    agent_page.set_viewport_size({"width": 1280, "height": 900})
    assert "Deposits and withdrawals" in item.inner_text()
    assert "+81 ••••• 5678" in item.inner_text()
    item.locator("[data-testid=take]").click()
    agent_page.wait_for_load_state("networkidle")
    agent_page.locator("[data-testid=call-now]").click()
    agent_page.wait_for_load_state("networkidle")
    assert agent_page.locator("[data-testid=dial]").get_attribute("href") == "tel:+819012345678"
    accessible(agent_page)
    agent_page.select_option("select[name=outcome]", "resolved")
    agent_page.fill("input[name=minutes]", "5")
    agent_page.fill("textarea[name=notes]", "Explained the withdrawal review; released today.")
    screenshot(agent_page, "phone-callback-call")
    agent_page.locator("main form button[type=submit]").click()
    agent_page.wait_for_load_state("networkidle")
    assert "Nobody is waiting for a call." in agent_page.locator("main").inner_text()
    screenshot(agent_page, "phone-callback-queue-after")

    callback.refresh_from_db()
    ticket = Ticket.objects.get()
    assert (callback.state, callback.ticket) == ("done", ticket)
    assert (ticket.channel, ticket.language, ticket.customer) == ("phone", "ja", vip)
    call = CallRecord.objects.get()
    assert (call.outcome, call.duration_seconds, call.agent) == ("resolved", 300, agent)

    agent_page.goto(f"{live_server.url}/console/tickets/{ticket.reference}/")
    assert (
        "Outbound call (5 minutes) logged by"
        in agent_page.locator("[data-testid=timeline]").inner_text()
    )
    screenshot(agent_page, "phone-ticket-with-call")
