"""Every page type passes axe-core's WCAG 2.1 A and AA rules, in English and Korean, on a
desktop and on a phone, and none is wider than the screen. axe-core comes from the npm registry
(package.json; `npm ci`, which the launcher's test command runs)."""

from pathlib import Path

import pytest

from helpcenter.demo import load_demo_articles
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket
from tickets.services import ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ARTICLE = "kyc-verification-levels-limits"  # has a table, the widest article content


def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` in the project folder.")
    return AXE.read_text(encoding="utf-8")


def audit(page, axe: str) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now. The script is evaluated
    through the debugging protocol, which our CSP (script-src 'self') does not govern."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(axe)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: { type: "tag", values: tags }, resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_21_AA,
    )


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


def report(found: dict[str, list[dict]], wide: dict[str, int]) -> str:
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}")
            lines.append(f"    {violation['helpUrl']}")
            for node in violation["nodes"][:5]:
                summary = " / ".join(node["summary"].splitlines()[1:3]).strip()
                lines.append(f"    - {node['target']}: {summary}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    for where, pixels in wide.items():
        lines.append(f"{where}: {pixels} px wider than the screen")
    return "\n".join(lines)


def solved_ticket(customer, language: str) -> Ticket:
    SlaPolicy.objects.get_or_create(
        name="Default",
        defaults={
            "first_response_minutes": 60,
            "next_response_minutes": 120,
            "resolution_minutes": 480,
        },
    )
    text = {"en": "My USDT withdrawal is pending.", "ko": "USDT 출금이 대기 중입니다."}[language]
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject=text[:20],
        text=text,
        language_hint=language,
    )
    ticket = intake_message(message, customer=customer)
    ticket_transition(ticket=ticket, to="solved", by=customer)
    return ticket


@pytest.fixture
def axe() -> str:
    return axe_source()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_page_type_passes_wcag_21_aa_and_fits_the_screen(
    live_server, page_factory, customer, agent, axe, language, viewport
):
    load_demo_articles()
    ticket = solved_ticket(customer, language)
    base = live_server.url
    found: dict[str, list[dict]] = {}
    wide: dict[str, int] = {}
    width = f"{viewport['width']}px"

    def check(page, name: str, url: str | None = None) -> None:
        if url:
            page.goto(f"{base}{url}")
            page.wait_for_load_state("networkidle")
        where = f"{name} [{language}, {width}]"
        if violations := audit(page, axe):
            found[where] = violations
        if pixels := overflow(page):
            wide[where] = pixels
        screenshot(page, f"a11y-{name}-{language}-{viewport['width']}")

    visitor = page_factory(viewport=viewport)
    check(visitor, "login", f"/{language}/accounts/log-in/")
    visitor.locator("main button[type=submit]").click()  # empty: the form with its errors
    visitor.wait_for_load_state("networkidle")
    check(visitor, "login-errors")
    check(visitor, "sign-up", f"/{language}/accounts/sign-up/")

    page = page_factory(viewport=viewport)
    log_in(page, base, language, customer.email)
    check(page, "home", f"/{language}/")
    check(page, "help-center", f"/{language}/help/")
    check(page, "article", f"/{language}/help/articles/{ARTICLE}/")
    check(page, "search", f"/{language}/help/search/?q=withdrawal")
    check(page, "contact", f"/{language}/contact/")
    page.locator("main form button[type=submit]").click()  # empty: the form with its errors
    page.wait_for_load_state("networkidle")
    check(page, "contact-errors")
    check(page, "my-tickets", f"/{language}/tickets/")
    check(page, "ticket", f"/{language}/tickets/{ticket.reference}/")
    check(page, "chat", f"/{language}/chat/")

    console = page_factory(viewport=viewport)
    console.context.add_cookies([{"name": "support_language", "value": language, "url": base}])
    log_in(console, base, language, agent.email)
    check(console, "console-queue", "/console/tickets/?view=open")
    check(console, "console-ticket", f"/console/tickets/{ticket.reference}/")
    check(console, "console-chats", "/console/chats/")

    assert not found and not wide, "\n" + report(found, wide)


def test_a_solved_tickets_page_title_is_its_reference(live_server, page_factory, customer):
    """The rating form of a solved ticket stays out of the page's <title> (it once carried the
    form's HTML and CSRF token)."""
    ticket = solved_ticket(customer, "en")
    page = page_factory()
    log_in(page, live_server.url, "en", customer.email)

    page.goto(f"{live_server.url}/en/tickets/{ticket.reference}/")

    assert page.locator("form.rating").count() == 1
    assert page.title() == f"{ticket.reference} · Exchange Support"
