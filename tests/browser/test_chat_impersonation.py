"""A customer tells the agent that "support" called them on Telegram: the agent's chat
workspace shows the ticket page's impersonation warning in the open chat the moment the message
arrives, marks the chat in the list, and shows both again after a reload; in English and in
Korean, on a 1280×800 screen and on a 390×844 phone."""

import pytest

from livechat.models import Conversation
from tests.browser.conftest import screenshot
from tests.browser.test_chat_workspace import NO_SIDEWAYS, WAIT, customer_says, waiting_chat
from tests.browser.test_livechat import log_in, websocket_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACTED = "someone from your support called me on Telegram and asked for my code"
WARNING = {
    "en": "Possible impersonation scam.",
    "ko": "사칭 사기 가능성.",
}
BADGE = {"en": "Possible impersonation", "ko": "사칭 의심"}


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_the_agent_sees_the_impersonation_warning_live_and_after_a_reload(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
    team,
    viewport,
    language,
):
    agent.agent_profile.preferred_language = language
    agent.agent_profile.save(update_fields=["preferred_language"])
    chat = waiting_chat(team, 1)
    phone = viewport["width"] < 600
    page = page_factory(viewport=viewport)
    log_in(page, live_server.url, agent.email)
    page.goto(f"{live_server.url}/console/chats/")
    item = f'#lc-chat-list li[data-conversation="{chat.pk}"]'
    pane = f'.lc-pane[data-conversation="{chat.pk}"]'
    warning = f"{pane} [data-testid=impersonation-warning]"

    def show_list() -> None:
        if phone:
            page.locator("[data-view-tab=list]").click()

    def open_chat() -> None:
        show_list()
        page.locator(f"{item} button").click()
        page.wait_for_selector(f"{pane}:not([hidden])", timeout=WAIT)

    open_chat()
    page.wait_for_selector(f'{pane}[data-status="assigned"]', state="attached", timeout=WAIT)
    assert page.locator(warning).is_hidden()  # nothing said yet

    customer_says(Conversation.objects.get(pk=chat.pk), CONTACTED)

    page.wait_for_selector(f"{warning}:not([hidden])", timeout=WAIT)
    text = page.locator(warning).inner_text()
    assert text.startswith(WARNING[language])
    assert page.locator(warning).get_attribute("role") == "alert"
    assert page.evaluate(NO_SIDEWAYS)
    screenshot(page, f"chat-impersonation-{language}-{viewport['width']}")
    show_list()
    badge = page.locator(f"{item} [data-testid=impersonation-badge]")
    badge.wait_for(timeout=WAIT)
    assert badge.inner_text() == BADGE[language]
    screenshot(page, f"chat-impersonation-list-{language}-{viewport['width']}")

    page.reload()  # the warning is the chat's, not this page's
    page.wait_for_selector(f"{item} [data-testid=impersonation-badge]", timeout=WAIT)
    open_chat()
    page.wait_for_selector(f"{warning}:not([hidden])", timeout=WAIT)
    assert page.locator(warning).inner_text() == text
    assert page.evaluate(NO_SIDEWAYS)
