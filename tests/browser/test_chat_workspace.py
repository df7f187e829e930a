"""An agent works three chats at once in the chat workspace, on a 1280×800 screen and on a
390×844 phone: unread counts per chat, each chat keeps its draft, the reply box stays in view
while the conversation is long, and "End chat" asks first. Customers' messages are stored and
broadcast as the server does; the console's websocket comes from a real uvicorn."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from livechat.messages import conversation_post_customer_message
from livechat.models import ChatMessage, Conversation
from livechat.notify import broadcast
from livechat.publish import Outcome, conversation_group, publish
from tests.browser.conftest import screenshot
from tests.browser.test_livechat import log_in, websocket_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000
NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def waiting_chat(team, n: int) -> Conversation:
    return Conversation.objects.create(
        status="queued",
        language="en",
        category="deposit_withdrawal",
        guest_email=f"customer{n}@example.com",
        guest_key=f"key-{n}",
        team=team,
        queued_at=timezone.now(),
        handoff_reason="asked_for_human",
    )


def tell(outcome: Outcome) -> None:
    """Broadcast as the server does after a commit; from a thread of its own, since
    Playwright's event loop runs in this one."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(broadcast, outcome).result()


def customer_says(chat: Conversation, text: str) -> None:
    posted = conversation_post_customer_message(
        conversation_id=chat.pk, client_id=f"c-{time.monotonic_ns()}", text=text
    )
    tell(publish(posted))


def customer_typing(chat: Conversation) -> None:
    frame = {"type": "typing", "conversation": chat.pk, "by": "customer", "active": True}
    tell(Outcome(broadcasts=[(conversation_group(chat.pk), frame)]))


def wait_until(check, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        time.sleep(0.2)


def reply_box_in_view(page) -> bool:
    return page.evaluate(
        """() => {
          const pane = [...document.querySelectorAll('.lc-pane')].find((p) => !p.hidden);
          const box = pane.querySelector('.lc-input').getBoundingClientRect();
          return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
        }"""
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_an_agent_works_three_chats_at_once(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
    team,
    viewport,
):
    agent.agent_profile.max_open_chats = 6
    agent.agent_profile.save()
    first, second, third = (waiting_chat(team, n) for n in (1, 2, 3))
    for n in range(40):  # a long conversation: the log scrolls, the reply box does not
        ChatMessage.objects.create(conversation=first, sender="customer", body=f"Earlier line {n}")
    phone = viewport["width"] < 600
    page = page_factory(viewport=viewport)
    log_in(page, live_server.url, agent.email)
    page.goto(f"{live_server.url}/console/chats/")

    def show_list() -> None:
        if phone:
            page.locator("[data-view-tab=list]").click()

    def open_chat(chat: Conversation) -> None:
        show_list()
        page.locator(f'#lc-chat-list li[data-conversation="{chat.pk}"] button').click()
        page.wait_for_selector(
            f'.lc-pane[data-conversation="{chat.pk}"]:not([hidden])', timeout=WAIT
        )

    for chat in (first, second, third):
        open_chat(chat)
    wait_until(lambda: Conversation.objects.filter(agent=agent, status="assigned").count() == 3)
    page.wait_for_selector(
        f'.lc-pane[data-conversation="{first.pk}"] >> text=Earlier line 39',
        state="attached",
        timeout=WAIT,
    )

    # drafts stay with their chat
    open_chat(first)
    page.fill(f'.lc-pane[data-conversation="{first.pk}"] .lc-input', "Draft for the first")
    open_chat(second)
    page.fill(f'.lc-pane[data-conversation="{second.pk}"] .lc-input', "Draft for the second")

    # the third chat's customer writes while the agent is in the second: its count goes up
    customer_says(third, "Are you there?")
    unread = f'#lc-chat-list li[data-conversation="{third.pk}"] .lc-count'
    show_list()
    page.wait_for_selector(f"{unread} >> text=1", timeout=WAIT)
    customer_says(third, "My deposit is still missing")
    page.wait_for_selector(f"{unread} >> text=2", timeout=WAIT)
    assert page.locator(f'#lc-chat-list li[data-conversation="{first.pk}"] .lc-count').count() == 0
    screenshot(page, f"chat-workspace-unread-{viewport['width']}")
    open_chat(third)
    assert page.locator(unread).count() == 0  # read once shown
    open_chat(first)
    assert (
        page.input_value(f'.lc-pane[data-conversation="{first.pk}"] .lc-input')
        == "Draft for the first"
    )
    open_chat(second)
    assert (
        page.input_value(f'.lc-pane[data-conversation="{second.pk}"] .lc-input')
        == "Draft for the second"
    )

    # the long conversation: the reply box is on screen, the agent sends without scrolling
    open_chat(first)
    log = page.locator(f'.lc-pane[data-conversation="{first.pk}"] .lc-log')
    assert log.evaluate("(node) => node.scrollHeight > node.clientHeight")
    assert reply_box_in_view(page)
    assert page.evaluate("document.scrollingElement.scrollTop") == 0
    page.fill(f'.lc-pane[data-conversation="{first.pk}"] .lc-input', "Let me check that for you")
    page.locator(f'.lc-pane[data-conversation="{first.pk}"] .lc-send').click()
    wait_until(
        lambda: ChatMessage.objects.filter(
            conversation=first, sender="agent", body__startswith="Let me check that for you"
        ).exists()
    )
    assert page.evaluate(NO_SIDEWAYS)
    screenshot(page, f"chat-workspace-{viewport['width']}")

    # ending asks first; "Keep chatting" (Escape) ends nothing; the typing line goes with the chat
    open_chat(second)
    pane = f'.lc-pane[data-conversation="{second.pk}"]'
    customer_typing(second)
    page.wait_for_selector(f"{pane} .lc-typing:not([hidden])", timeout=WAIT)
    page.locator(f"{pane} .lc-end-chat").click()
    dialog = page.locator("#lc-end-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")  # focus moved in
    screenshot(page, f"chat-workspace-end-{viewport['width']}")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    second.refresh_from_db()
    assert second.status == "assigned"
    page.locator(f"{pane} .lc-end-chat").click()
    dialog.locator("button[value=end]").click()
    wait_until(lambda: Conversation.objects.get(pk=second.pk).status == "ended")
    page.wait_for_selector(f'{pane}[data-status="ended"]', state="attached", timeout=WAIT)
    assert page.locator(f"{pane} .lc-typing").is_hidden()
    assert page.evaluate(NO_SIDEWAYS)


def test_the_agent_sets_their_status_and_alerts_in_the_header(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
):
    page = page_factory(viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, agent.email)
    page.goto(f"{live_server.url}/console/chats/")
    page.wait_for_selector("#lc-presence")
    page.select_option("#lc-presence", "away")
    page.wait_for_selector("#lc-away:not([hidden])", timeout=WAIT)
    wait_until(
        lambda: type(agent.agent_profile).objects.get(pk=agent.agent_profile.pk).presence == "away"
    )

    page.locator(".lc-alerts summary").click()
    page.check("#lc-alert-sound")
    page.reload()
    page.locator(".lc-alerts summary").click()
    assert page.is_checked("#lc-alert-sound")  # kept for this agent in this browser
    assert page.input_value("#lc-presence") == "away"
    page.select_option("#lc-presence", "offline")
    wait_until(
        lambda: (
            type(agent.agent_profile).objects.get(pk=agent.agent_profile.pk).presence == "offline"
        )
    )
    assert page.evaluate(NO_SIDEWAYS)


def test_the_inbox_link_opens_the_agents_own_chat(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    agent,
    team,
):
    mine = waiting_chat(team, 7)
    Conversation.objects.filter(pk=mine.pk).update(status="assigned", agent=agent)
    ChatMessage.objects.create(conversation=mine, sender="customer", body="Still waiting on USDT")
    waiting = waiting_chat(team, 8)
    page = page_factory(viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, agent.email)

    page.goto(f"{live_server.url}/console/chats/?chat={mine.pk}")
    page.wait_for_selector(
        f'.lc-pane[data-conversation="{mine.pk}"]:not([hidden]) >> text=Still waiting on USDT',
        timeout=WAIT,
    )

    # a waiting chat is only brought to the keyboard: taking it stays the agent's click
    page.goto(f"{live_server.url}/console/chats/?chat={waiting.pk}")
    button = f'#lc-chat-list li[data-conversation="{waiting.pk}"] button'
    page.wait_for_selector(f"{button}:focus", timeout=WAIT)
    assert Conversation.objects.get(pk=waiting.pk).status == "queued"
