"""Keyboard-only use: a failed form starts at its error summary, the contact form can be sent
without a mouse, the console's single-key shortcuts never act while typing and can be turned
off (WCAG 2.1.4), and the focus ring stands out from every background it is drawn on."""

from urllib.parse import urlparse

import pytest

from tests.browser.test_home_pages import log_in
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "() => document.activeElement?.dataset.testid || document.activeElement?.tagName"


def open_ticket(customer) -> Ticket:
    SlaPolicy.objects.get_or_create(
        name="Default",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    message = InboundMessage(
        channel="web", customer_email=customer.email, subject="Withdrawal", text="Pending."
    )
    return intake_message(message, customer=customer)


def test_a_failed_submit_starts_at_the_error_summary(live_server, page_factory, customer):
    """Contact form, login and sign-up: after a refused submit, focus is on the summary of
    what went wrong (not the page body), and Tab goes on to its first link."""
    visitor = page_factory()
    for url in ("/en/accounts/log-in/", "/ko/accounts/sign-up/"):
        visitor.goto(f"{live_server.url}{url}")
        visitor.locator("main button[type=submit]").focus()
        visitor.keyboard.press("Enter")
        visitor.wait_for_load_state("networkidle")
        assert visitor.evaluate(FOCUSED) == "error-summary", url
        visitor.keyboard.press("Tab")
        assert visitor.evaluate("() => document.activeElement.closest('.error-summary') !== null")

    page = page_factory()
    log_in(page, live_server.url, "en", customer.email)
    page.goto(f"{live_server.url}/en/contact/")
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FOCUSED) == "error-summary"
    assert page.locator(".error-summary a[href='#id_subject']").count() == 1


def test_the_contact_form_is_sent_with_the_keyboard_alone(live_server, page_factory, customer):
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    page = page_factory()
    log_in(page, live_server.url, "en", customer.email)
    page.goto(f"{live_server.url}/en/contact/")

    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(40):  # on through the header to the form's first field
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "category":
            break
    page.keyboard.press("ArrowDown")  # the first category
    page.keyboard.press("Tab")
    page.keyboard.type("Withdrawal missing")
    page.keyboard.press("Tab")
    page.keyboard.type("My USDT withdrawal has not arrived after six hours.")
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    ticket = Ticket.objects.get()
    assert ticket.subject == "Withdrawal missing"
    assert urlparse(page.url).path == f"/en/tickets/{ticket.reference}/"


def test_single_key_shortcuts_wait_for_the_agent_and_can_be_turned_off(
    live_server, page_factory, customer, agent
):
    """WCAG 2.1.4: a letter typed in a field, or pressed with Alt, is no shortcut; the help
    lists the keys; the switch turns them off for this agent, also after a reload."""
    ticket = open_ticket(customer)
    page = page_factory(viewport={"width": 1280, "height": 800})
    log_in(page, live_server.url, "en", agent.email)
    page.goto(f"{live_server.url}/console/tickets/{ticket.reference}/")
    page.wait_for_load_state("networkidle")

    reply = page.locator(".composer textarea[name=body]")
    reply.focus()
    page.keyboard.type("tq")
    page.locator(".composer select[name=macro]").focus()
    page.keyboard.press("q")
    page.locator("main h1").click()
    page.keyboard.press("Alt+t")
    page.wait_for_timeout(300)
    assert reply.input_value() == "tq"
    assert page.url.endswith(f"/console/tickets/{ticket.reference}/")
    ticket.refresh_from_db()
    assert ticket.assignee is None

    page.keyboard.press("?")
    help_panel = page.locator("[data-testid=shortcuts]")
    assert help_panel.get_attribute("open") is not None
    assert "Take the ticket" in help_panel.inner_text()
    switch = help_panel.locator("input[data-shortcuts-switch]")
    assert switch.is_checked()
    switch.uncheck()
    page.reload()
    page.wait_for_load_state("networkidle")
    page.locator("main h1").click()
    page.keyboard.press("t")
    page.wait_for_timeout(300)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not page.locator("input[data-shortcuts-switch]").is_checked()

    page.locator("[data-testid=shortcuts] summary").click()
    page.locator("input[data-shortcuts-switch]").check()
    page.locator("main h1").click()
    with page.expect_navigation():
        page.keyboard.press("t")
    ticket.refresh_from_db()
    assert ticket.assignee == agent


CONTRAST = """() => {
    const luminance = (rgb) => {
        const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const opaque = (color) => !/rgba\\(.*,\\s*0\\)$/.test(color) && color !== "transparent";
    const element = document.activeElement;
    if (element === document.body) return null; // past the last control: the browser's own UI
    let behind = element.parentElement;
    while (behind && !opaque(getComputedStyle(behind).backgroundColor)) {
        behind = behind.parentElement;
    }
    const background = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
    const ring = getComputedStyle(element).outlineColor;
    const [light, dark] = [luminance(ring), luminance(background)].sort((a, b) => b - a);
    return { what: element.outerHTML.slice(0, 80), ratio: (light + 0.05) / (dark + 0.05),
             style: getComputedStyle(element).outlineStyle };
}"""


def test_the_focus_ring_stands_out_on_every_background(live_server, page_factory, customer, agent):
    """WCAG 1.4.11: 3:1 at least between the ring and what surrounds it, on the customer site
    (light) and in the console (its dark top bar)."""
    ticket = open_ticket(customer)
    rings = []
    for email, url in (
        (customer.email, "/en/contact/"),
        (agent.email, f"/console/tickets/{ticket.reference}/"),
    ):
        page = page_factory(viewport={"width": 1280, "height": 800})
        log_in(page, live_server.url, "en", email)
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        for _ in range(25):
            page.keyboard.press("Tab")
            if ring := page.evaluate(CONTRAST):
                rings.append(ring)

    drawn = [ring for ring in rings if ring["style"] != "none"]
    assert [ring["what"] for ring in rings if ring["style"] == "none"] == []
    assert [ring["what"] for ring in drawn if ring["ratio"] < 3] == []
