"""The customer site's header in a real browser. On a phone (390×844) it is one row, the brand
and a "Menu" button, whatever the language; the button, with the mouse or the keyboard, shows
every link of the main navigation and the account, and each link opens its page; without
JavaScript the menu is simply open. On a desktop the links sit in the bar, as they always did,
and there is no button."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import DESKTOP, PHONE
from tests.browser.test_home_pages import log_in
from tests.tickets.survey_helpers import sent_survey
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "header.topbar"
TOGGLE = f"{HEADER} .menu-toggle"
LINKS = f"{HEADER} nav a"


def survey_path(customer, agent, team, language: str) -> str:
    """The path of the survey link emailed to `customer` about a ticket in `language`."""
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject="USDT withdrawal stuck",
        text="My USDT withdrawal has been pending for six hours.",
        language_hint=language,
    )
    ticket = intake_message(message, customer=customer)
    Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=agent)
    _invitation, path = sent_survey(Ticket.objects.get(pk=ticket.pk), agent)
    return path


def header_height(page) -> float:
    return page.locator(HEADER).bounding_box()["height"]


def open_menu(page) -> None:
    page.locator(TOGGLE).click()
    assert page.locator(TOGGLE).get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_header_takes_little_of_a_phones_screen(
    live_server, page_factory, customer, agent, team, language
):
    page = page_factory(viewport=PHONE)
    log_in(page, live_server.url, language, customer.email)
    customer_pages = {
        "help-center": f"/{language}/help/",
        "my-tickets": f"/{language}/tickets/",
        "complaint-form": f"/{language}/complaints/new/",
        "survey": survey_path(customer, agent, team, language),
    }
    for name, path in customer_pages.items():
        page.goto(f"{live_server.url}{path}")
        assert header_height(page) <= PHONE["height"] * 0.25, name
        assert page.locator(LINKS).first.is_hidden()  # behind the button until it is opened
        assert page.locator(TOGGLE).is_visible()
        screenshot(page, f"site-header-{name}-{language}-phone")


def test_every_menu_link_is_reachable_on_a_phone_and_opens_its_page(
    live_server, page_factory, customer
):
    page = page_factory(viewport=PHONE)
    log_in(page, live_server.url, "en", customer.email)
    home = f"{live_server.url}/en/help/"
    page.goto(home)
    links = page.locator(LINKS)
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert len(hrefs) == 6  # help center, contact, live chat, callback, my tickets, complaints

    for href in hrefs:
        page.goto(home)
        open_menu(page)
        link = page.locator(f'{LINKS}[href="{href}"]')
        assert link.is_visible()
        with page.expect_navigation() as opened:
            link.click()
        assert opened.value.status == 200
        assert page.url == f"{live_server.url}{href}"
        assert page.locator(f'{LINKS}[href="{href}"]').get_attribute("aria-current") == "page"

    open_menu(page)
    assert page.locator("#language-select").is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()


def test_the_menu_opens_and_closes_with_the_keyboard(live_server, page_factory):
    page = page_factory(viewport=PHONE)
    page.goto(f"{live_server.url}/en/help/")
    toggle = page.locator(TOGGLE)
    toggle.focus()

    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the menu: its first link
    assert page.evaluate("() => document.activeElement.closest('nav') !== null")
    page.keyboard.press("Escape")

    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator(LINKS).first.is_hidden()
    assert page.evaluate("() => document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Space")
    assert page.get_by_role("link", name="Log in").is_visible()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_header_on_a_desktop_and_on_a_phone(live_server, page_factory, language):
    desktop = page_factory(viewport=DESKTOP)
    desktop.goto(f"{live_server.url}/{language}/help/")
    assert desktop.locator(TOGGLE).is_hidden()
    assert all(link.is_visible() for link in desktop.locator(LINKS).all())
    tops = {round(link.bounding_box()["y"]) for link in desktop.locator(LINKS).all()}
    assert len(tops) == 1  # one row of links in the bar
    screenshot(desktop, f"site-header-{language}-desktop")

    phone = page_factory(viewport=PHONE)
    phone.goto(f"{live_server.url}/{language}/help/")
    screenshot(phone, f"site-header-{language}-phone")
    open_menu(phone)
    assert all(link.is_visible() for link in phone.locator(LINKS).all())
    screenshot(phone, f"site-header-{language}-phone-menu")


def test_without_javascript_a_phone_shows_the_menu_open(live_server, page_factory):
    page = page_factory(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{live_server.url}/en/help/")
    assert page.locator(TOGGLE).is_hidden()  # a button that could not work is not shown
    assert all(link.is_visible() for link in page.locator(LINKS).all())
    assert page.get_by_role("link", name="Log in").is_visible()
