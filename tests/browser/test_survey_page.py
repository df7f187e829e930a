"""A customer answers the satisfaction survey from the link in its email, in a real browser, in
Japanese and in English, at desktop and at phone width: 2 out of 5, not solved, with a comment;
the thank-you page; the same link opened again says it was already used. Every page passes
axe-core's WCAG 2.1 AA rules and fits the screen, and each answer is a box big enough to tap."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import DESKTOP, PHONE, audit, axe_source, overflow, report
from tests.conftest import make_person
from tests.tickets.survey_helpers import sent_survey
from tickets.intake import InboundMessage, intake_message
from tickets.models import SlaPolicy, Ticket
from tickets.survey_models import SurveyAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = {
    "ja": ("USDTの出金が届きません", "USDTの出金が6時間保留のままです。"),
    "en": ("USDT withdrawal stuck", "My USDT withdrawal has been pending for six hours."),
}
COMMENT = {
    "ja": "返事が遅く、出金はまだ届いていません。",
    "en": "The answer came late and my withdrawal has still not arrived.",
}


def survey_link(language: str, agent, team) -> str:
    """The path of the survey link emailed to a customer writing in `language`."""
    customer = make_person(f"{language}@example.com", Role.CUSTOMER, preferred_language=language)
    SlaPolicy.objects.create(
        name="Default", first_response_minutes=60, next_response_minutes=120, resolution_minutes=480
    )
    subject, text = QUESTION[language]
    message = InboundMessage(
        channel="web",
        customer_email=customer.email,
        subject=subject,
        text=text,
        language_hint=language,
    )
    ticket = intake_message(message, customer=customer)
    Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=agent)
    _invitation, path = sent_survey(Ticket.objects.get(pk=ticket.pk), agent)
    return path


def words(language: str) -> dict[str, str]:
    """What the customer reads and clicks, in their language."""
    with translation.override(language):
        return {
            "title": gettext("How did we do?"),
            "score": gettext("2 – Dissatisfied"),
            "no": pgettext("problem solved", "No"),
            "comment": gettext("Anything you would like to tell us? (optional)"),
            "send": gettext("Send my answer"),
            "thanks": gettext("Thank you"),
            "used": gettext("This survey link has already been used"),
        }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_customer_answers_the_survey_once_from_the_emailed_link(
    live_server, page_factory, agent, team, language, viewport
):
    path = survey_link(language, agent, team)
    said, axe, width = words(language), axe_source(), viewport["width"]
    found: dict[str, list[dict]] = {}
    wide: dict[str, int] = {}

    def check(page, name: str) -> None:
        if violations := audit(page, axe):
            found[name] = violations
        if pixels := overflow(page):
            wide[name] = pixels
        screenshot(page, f"survey-{name}-{language}-{width}")

    page = page_factory(viewport=viewport, is_mobile=viewport is PHONE)
    page.goto(f"{live_server.url}{path}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").inner_text() == said["title"]
    answers = page.locator("main label.radio")
    assert answers.count() == 7  # five scores, yes and no
    # Each answer is a box a thumb can hit (44 px, WCAG's enhanced target size).
    assert min(answers.nth(n).bounding_box()["height"] for n in range(7)) >= 44
    check(page, "form")

    page.get_by_label(said["score"]).check()
    page.get_by_label(said["no"], exact=True).check()
    page.get_by_label(said["comment"]).fill(COMMENT[language])
    page.get_by_role("button", name=said["send"]).click()
    page.wait_for_selector("[data-testid=survey-thanks]")
    assert page.locator("main h1").inner_text() == said["thanks"]
    check(page, "thanks")
    answer = SurveyAnswer.objects.get()
    assert (answer.score, answer.solved, answer.comment) == (2, False, COMMENT[language])

    page.goto(f"{live_server.url}{path}")
    refused = page.locator("[data-testid=survey-refused]")
    assert refused.get_attribute("data-reason") == "used"
    assert page.locator("main h1").inner_text() == said["used"]
    check(page, "used")
    assert SurveyAnswer.objects.count() == 1

    assert not found and not wide, "\n" + report(found, wide)
