"""A chat's outcome in a real browser, at desktop (1280×800) and phone (390×844) width: a
how-to question the bot answers, a thanks and the customer leaving make no ticket; a security
message after hours (nobody of the regional team online, its calendar closed) ends nothing and
reaches the Security team's queue in the console."""

import pytest

from helpcenter.models import Category as HelpCategory
from helpcenter.models import Section
from helpcenter.services import article_create
from livechat.models import Conversation
from support.models import AgentProfile, OutboxEmail, Team
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_livechat import WAIT, log_in, say, websocket_server  # noqa: F401
from tests.conftest import make_person
from tickets.models import BusinessCalendar, RoutingRule, Ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("websocket_server"),  # the chat's websockets, from a real uvicorn
]

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
HACKED_ZH_HANT = "我的帳號被駭了，幣都被提走了，不是我操作的"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def start_chat(page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/chat/")
    page.fill("#lc-email", email)
    page.locator(".lc-prechat button[type=submit]").click()
    page.wait_for_selector(".lc-bot .lc-badge", timeout=WAIT)  # the greeting


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_how_to_question_the_bot_answers_then_thanks_and_leaving_make_no_ticket(
    live_server,
    page_factory,
    viewport,
):
    section = Section.objects.create(
        category=HelpCategory.objects.create(slug="funding", name="Funding"),
        slug="withdrawals",
        name="Withdrawals",
    )
    article_create(
        section=section,
        slug="withdrawal-time",
        by=None,
        title_en="How long does a withdrawal take",
        body_en="A withdrawal takes 10 to 30 minutes after approval. If your account was "
        "hacked, an account takeover is handled by our security team.",
        status="published",
    )
    width, height = VIEWPORTS[viewport]
    customer = page_factory(viewport={"width": width, "height": height})
    start_chat(customer, live_server.url, "en", "howto@example.com")

    say(customer, "How long does a withdrawal take?")
    customer.wait_for_selector(".lc-bot >> text=How long does a withdrawal take", timeout=WAIT)
    say(customer, "Thanks!")
    customer.wait_for_selector(".lc-bot >> text=You are welcome", timeout=WAIT)
    customer.locator(".lc-end").click()
    customer.wait_for_selector(".lc-rating", timeout=WAIT)
    assert fits(customer)
    screenshot(customer, f"chat-bot-resolved-{viewport}")

    chat = Conversation.objects.get()
    assert (chat.status, chat.queued_at, chat.ticket_reference) == ("ended", None, "")
    assert not Ticket.objects.exists()
    assert not OutboxEmail.objects.filter(to="howto@example.com").exists()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_security_message_after_hours_reaches_the_security_teams_queue_in_the_console(
    live_server,
    page_factory,
    viewport,
):
    regional = Team.objects.create(slug="greater-china", name="Greater China")
    RoutingRule.objects.create(position=100, team=regional)
    closed = BusinessCalendar.objects.create(name="Never open", timezone="Asia/Taipei")
    closed.teams.add(regional)
    security = Team.objects.create(
        slug="security", name="Security", handles_security=True, restricted=True
    )
    guard = make_person("guard@example.com", Role.AGENT, languages=["en"], presence="offline")
    guard.agent_profile.teams.add(security)
    width, height = VIEWPORTS[viewport]
    customer = page_factory(viewport={"width": width, "height": height})
    start_chat(customer, live_server.url, "zh-hant", "hacked@example.com")

    say(customer, "請幫我轉接真人客服")
    customer.wait_for_selector(".lc-chat.lc-leave, .lc-leave", timeout=WAIT)  # offline form
    say(customer, HACKED_ZH_HANT)  # sent as a message left at the offline form
    customer.wait_for_selector(".lc-bot >> text=1.", timeout=WAIT)  # the protective steps
    customer.wait_for_function(
        "!document.querySelector('.lc-leave')", timeout=WAIT
    )  # no longer the offline form
    assert customer.locator(".lc-rating").count() == 0  # the chat did not end
    assert fits(customer)
    screenshot(customer, f"chat-security-after-hours-{viewport}")

    chat = Conversation.objects.get()
    assert (chat.status, chat.urgent, chat.team) == ("queued", True, security)
    assert not Ticket.objects.exists()
    assert OutboxEmail.objects.filter(to="guard@example.com").count() == 1  # on call

    console = page_factory(viewport={"width": width, "height": height})
    log_in(console, live_server.url, guard.email)
    console.goto(f"{live_server.url}/console/chats/")
    console.wait_for_selector(f'#lc-chat-list li[data-conversation="{chat.pk}"]', timeout=WAIT)
    assert AgentProfile.objects.get(user=guard).teams.filter(pk=security.pk).exists()
    screenshot(console, f"chat-security-console-{viewport}")
