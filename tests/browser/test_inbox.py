"""An agent works the inbox in a real browser, on a 1280×800 screen and on a 390×844 phone:
filters it, selects two tickets with the keyboard, assigns them to a teammate, reads the
result, sees a new ticket of the view arrive without a reload, and never scrolls sideways."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_livechat import websocket_server  # noqa: F401 (a fixture)
from tests.tickets.inbox_helpers import make_ticket
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def fits(page) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", SCREENS)
def test_an_agent_filters_selects_with_the_keyboard_and_assigns_in_bulk(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
    teammate,
    customer,
    other_customer,
    screen,
):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    first = make_ticket(customer, language="ko", subject="출금이 지연되고 있습니다")
    second = make_ticket(other_customer, language="ko", channel="email", subject="입금 확인 요청")
    english = make_ticket(customer, subject="Deposit missing")
    page = page_factory(viewport=SCREENS[screen])
    log_in(page, live_server.url, "en", agent.email)
    page.goto(f"{live_server.url}/console/tickets/?view=open")
    page.wait_for_selector(f"tr[data-key='{english.reference}']")
    page.wait_for_selector("[data-testid=count-open]:text-is('3')")  # asked for once shown
    assert fits(page)

    page.locator("details.inbox-filters > summary").click()
    page.select_option("#f-language", "ko")
    page.locator("[data-testid=apply-filters]").click()
    page.wait_for_url("**language=ko**")
    assert page.locator("tr[data-row]").count() == 2
    assert fits(page)

    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.wait_for_selector("[data-selected-count]:text-is('2')")
    screenshot(page, f"inbox-selected-{screen}")

    page.select_option("#bulk-assignee", str(teammate.pk))
    page.locator("[data-testid=bulk-assign]").click()
    success = page.wait_for_selector(".messages li.success")
    assert teammate.email in success.inner_text()
    assert "language=ko" in page.url
    assert set(Ticket.objects.filter(assignee=teammate).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    english.refresh_from_db()
    assert english.assignee is None
    assert fits(page)
    screenshot(page, f"inbox-assigned-{screen}")

    new = intake_message(
        InboundMessage(
            channel="web",
            customer_email="new@example.com",
            subject="비밀번호 재설정",
            text="비밀번호를 재설정하고 싶습니다. 이메일이 오지 않아요.",
            language_hint="ko",
        )
    )
    assert new.language == "ko"
    page.wait_for_selector(f"tr[data-key='{new.reference}']", timeout=WAIT)
    # the counts are asked for again at most every 10 s
    page.wait_for_selector("[data-testid=count-open]:text-is('4')", timeout=2 * WAIT)
    assert fits(page)


def test_the_shortcut_switch_turns_single_keys_off(live_server, page_factory, agent, customer):
    make_ticket(customer)
    page = page_factory(viewport=SCREENS["desktop"])
    log_in(page, live_server.url, "en", agent.email)
    page.goto(f"{live_server.url}/console/tickets/?view=open")
    page.locator("[data-testid=shortcuts] summary").click()
    page.locator("input[data-shortcuts-switch]").uncheck()

    page.reload()
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("[data-selected-count]").inner_text() == "0"
    assert not page.evaluate("() => Boolean(document.activeElement.closest('[data-row]'))")
