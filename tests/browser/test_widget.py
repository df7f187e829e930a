"""The chat widget on the help center: a launcher on the page, the chat in a panel that takes
the focus and gives it back, a message sent, and on the next help page the same chat, open and
replayed from the server. Desktop and a 390×844 phone (a full-screen panel), never wider than
the screen. Pages from the live server, the chat's websocket from a real uvicorn."""

import pytest

from helpcenter.demo import load_demo_articles
from livechat.models import ChatMessage, Conversation
from tests.browser.conftest import screenshot
from tests.browser.test_livechat import websocket_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000
NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"
FOCUS_IN_PANEL = "document.getElementById('lc-panel').contains(document.activeElement)"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_the_chat_survives_navigation_between_help_pages(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
    viewport,
):
    load_demo_articles()
    page = page_factory(viewport=viewport)
    page.goto(f"{live_server.url}/en/help/")
    launcher = page.locator(".lc-toggle")
    launcher.wait_for()
    assert page.evaluate(NO_SIDEWAYS)

    launcher.click()
    page.locator("#lc-panel").wait_for(state="visible")
    assert page.evaluate(FOCUS_IN_PANEL)  # focus moved into the panel
    assert page.locator(".lc-end").is_hidden()  # no "End chat" before there is a chat
    page.keyboard.press("Escape")
    page.locator("#lc-panel").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('lc-toggle')")

    launcher.click()
    page.fill("#lc-email", "visitor@example.com")
    page.locator(".lc-prechat button[type=submit]").click()
    page.wait_for_selector(".lc-bot", timeout=WAIT)
    assert page.locator(".lc-end").is_visible()
    page.fill(".lc-input", "Hello, I have a question about fees")
    page.locator(".lc-composer button[type=submit]").click()
    page.wait_for_selector(
        ".lc-customer:not(.lc-pending) >> text=Hello, I have a question about fees", timeout=WAIT
    )
    chat = Conversation.objects.get()
    assert ChatMessage.objects.filter(conversation=chat, sender="customer").count() == 1

    page.focus("#lc-file")  # the attach control shows where the focus is
    outline = page.eval_on_selector(
        "label[for=lc-file]", "(node) => getComputedStyle(node).outlineStyle"
    )
    assert outline not in ("", "none")
    panel = page.locator("#lc-panel").bounding_box()
    if viewport["width"] < 600:  # a phone: the panel fills the screen
        assert (panel["x"], panel["width"]) == (0, viewport["width"])
    screenshot(page, f"widget-open-{viewport['width']}")

    article = page.locator("main a[href*='/help/articles/']").first.get_attribute("href")
    page.goto(f"{live_server.url}{article}")  # another help page
    page.locator("#lc-panel").wait_for(state="visible", timeout=WAIT)  # still open
    page.wait_for_selector(".lc-customer >> text=Hello, I have a question about fees", timeout=WAIT)
    page.wait_for_selector(".lc-bot", timeout=WAIT)  # the whole chat, replayed
    assert page.evaluate(NO_SIDEWAYS)
    screenshot(page, f"widget-after-navigation-{viewport['width']}")

    page.fill(".lc-input", "Still here")
    page.locator(".lc-composer button[type=submit]").click()
    page.wait_for_selector(".lc-customer:not(.lc-pending) >> text=Still here", timeout=WAIT)
    assert Conversation.objects.count() == 1  # the same chat, not a new one
    assert ChatMessage.objects.filter(conversation=chat, body="Still here").exists()


def test_the_dedicated_chat_page_and_the_console_carry_no_launcher(live_server, page_factory):
    page = page_factory()
    page.goto(f"{live_server.url}/en/chat/")
    page.wait_for_selector("#livechat-root .lc")
    assert page.locator(".lc-toggle").count() == 0
    page.goto(f"{live_server.url}/en/contact/")
    page.locator(".lc-toggle").wait_for()


def test_a_customer_chats_with_the_keyboard_alone(
    live_server,
    page_factory,
    websocket_server,  # noqa: F811
):
    """Open the widget, start a chat and send a message with Tab, typing and Enter only; the
    focus never falls back to the page."""
    page = page_factory(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/en/help/")
    page.locator(".lc-toggle").wait_for()
    for _ in range(60):  # Tab through the page to the launcher
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('lc-toggle')"):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")

    page.keyboard.press("Enter")
    page.locator("#lc-panel").wait_for(state="visible")
    assert page.evaluate(FOCUS_IN_PANEL)
    for _ in range(10):  # Tab within the panel to the email field
        if page.evaluate("document.activeElement.id === 'lc-email'"):
            break
        page.keyboard.press("Tab")
    page.keyboard.type("keys@example.com")
    page.keyboard.press("Enter")  # submits the pre-chat form
    page.wait_for_selector(".lc-bot", timeout=WAIT)
    assert page.evaluate("document.activeElement.classList.contains('lc-input')")

    page.keyboard.type("How long does a withdrawal take?")
    page.keyboard.press("Tab")  # to Send
    page.keyboard.press("Enter")
    page.wait_for_selector(
        ".lc-customer:not(.lc-pending) >> text=How long does a withdrawal take?", timeout=WAIT
    )
    assert ChatMessage.objects.filter(sender="customer").count() == 1
