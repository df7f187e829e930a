"""A supervisor samples the lowest-rated solved ticket of their team, reviews it on the Korean
scorecard, and the agent reads the review and replies; on a desktop and on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from support.models import Team
from support.roles import Role
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.conftest import make_person
from tickets.models import Message, QualityReview, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
MARKS = {
    "correct_answer": "2",
    "tone": "2",
    "no_secrets_asked": "2",
    "identity_verified": "1",
    "resolved": "0",
    "right_macro": "na",
}


def solved(customer, agent, *, subject: str, language: str, csat: int) -> Ticket:
    return Ticket.objects.create(
        customer=customer,
        channel="web",
        subject=subject,
        language=language,
        status=Ticket.Status.SOLVED,
        assignee=agent,
        solved_at=timezone.now() - timedelta(hours=5),
        satisfaction_score=csat,
    )


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_supervisor_reviews_a_low_csat_korean_ticket_and_the_agent_replies(
    live_server, page_factory, customer, agent, team, size
):
    lead = make_person("lead@example.com", Role.SUPERVISOR, languages=["en", "ko"])
    Team.objects.filter(pk=team.pk).update(supervisor=lead)
    solved(customer, agent, subject="Thanks, all good", language="en", csat=5)
    unhappy = solved(customer, agent, subject="출금이 아직 안 됐어요", language="ko", csat=1)
    for kind, author, body in [
        ("customer", None, "출금이 여섯 시간째 대기 중입니다."),
        ("note", agent, "지갑팀 확인 필요"),
        ("reply", agent, "확인 후 다시 연락드리겠습니다."),
    ]:
        Message.objects.create(
            ticket=unhappy, kind=kind, author=author, channel="web", body=body, body_html=body
        )
    width, height = SIZES[size]
    base = live_server.url

    page = page_factory(viewport={"width": width, "height": height})
    log_in(page, base, "en", lead.email)
    page.goto(f"{base}/console/reviews/sample/?days=30&order=low_csat")
    first = page.get_by_test_id("sample-row").first
    assert unhappy.reference in first.inner_text()
    screenshot(page, f"quality-review-sample-{size}")
    first.get_by_role("link", name=unhappy.reference).click()
    assert page.locator("legend", has_text="정확하고 완전한 답변").is_visible()
    assert "지갑팀 확인 필요" in page.get_by_test_id("transcript").inner_text()
    for key, mark in MARKS.items():
        page.get_by_test_id(f"criterion-{key}").locator(f"input[value='{mark}']").check()
    page.get_by_test_id("criterion-resolved").locator("input[type=text]").fill("환불 안내 누락")
    page.fill("textarea[name=comment]", "친절했지만 해결이 안 됐어요.")
    assert no_horizontal_overflow(page)
    screenshot(page, f"quality-review-form-{size}")
    page.get_by_test_id("review-form").locator("button[type=submit]").click()
    # 2+2+2+1+0 of 10 (the macro criterion does not apply)
    assert page.get_by_test_id("review-score").inner_text() == "70.0 %"
    review = QualityReview.objects.get()
    assert (review.ticket_id, review.agent_id, review.language) == (unhappy.pk, agent.pk, "ko")

    agent_page = page_factory(viewport={"width": width, "height": height})
    log_in(agent_page, base, "en", agent.email)
    agent_page.goto(f"{base}/console/tickets/")
    agent_page.get_by_role("link", name="My reviews").first.click()
    card = agent_page.get_by_test_id(f"review-{review.pk}")
    assert "70.0 %" in card.inner_text()
    assert "환불 안내 누락" in card.inner_text()
    assert "친절했지만 해결이 안 됐어요." in card.inner_text()
    card.locator("textarea[name=reply]").fill("환불 절차를 다시 확인하겠습니다.")
    card.locator("button[type=submit]").click()
    assert (
        agent_page.get_by_test_id("agent-reply").inner_text() == "환불 절차를 다시 확인하겠습니다."
    )
    assert agent_page.locator("textarea[name=reply]").count() == 0
    assert no_horizontal_overflow(agent_page)
    screenshot(agent_page, f"quality-review-agent-{size}")

    page.reload()
    assert page.get_by_test_id("agent-reply").inner_text() == "환불 절차를 다시 확인하겠습니다."
