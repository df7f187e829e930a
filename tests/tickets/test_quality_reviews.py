"""Quality reviews: the scorecard, the score, sampling, who sees what, the agent's reply and
the training list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from livechat.models import Conversation
from support.models import Team
from support.roles import Role
from tests.conftest import make_person
from tickets.models import QualityReview, ReviewCriterion, SurveyAnswer, SurveyInvitation, Ticket
from tickets.reviews import figures, selectors, services


@pytest.fixture
def lead(db, team):
    user = make_person("lead@example.com", Role.SUPERVISOR, languages=["en", "ko"])
    Team.objects.filter(pk=team.pk).update(supervisor=user)
    return user


@pytest.fixture
def other_lead(db):
    user = make_person("other-lead@example.com", Role.SUPERVISOR, languages=["en"])
    other = Team.objects.create(slug="vip", name="VIP", supervisor=user)
    stranger = make_person("stranger@example.com", Role.AGENT, languages=["en"])
    stranger.agent_profile.teams.add(other)
    return user


def solved_ticket(customer, agent, *, language="en", days_ago=1, csat=None, subject="Help"):
    ticket = Ticket.objects.create(
        customer=customer,
        channel="web",
        subject=subject,
        language=language,
        status=Ticket.Status.SOLVED,
        assignee=agent,
        solved_at=timezone.now() - timedelta(days=days_ago),
        satisfaction_score=csat,
    )
    return ticket


def ended_chat(customer, agent, *, rating=None, language="en"):
    return Conversation.objects.create(
        customer=customer,
        language=language,
        status="ended",
        agent=agent,
        rating=rating,
        ended_at=timezone.now() - timedelta(hours=3),
    )


def criteria(language="en"):
    return selectors.scorecard(language)


def marks_for(cards, values):
    return {c.pk: (value, "") for c, value in zip(cards, values, strict=True)}


def test_score_leaves_out_not_applicable_criteria():
    assert services.review_score([2, 1, 0, None, None, 2]) == Decimal("62.5")
    assert services.review_score([2, None]) == Decimal("100.0")
    assert services.review_score([1, 1, 0]) == Decimal("33.3")


def test_a_review_where_nothing_applies_is_refused():
    with pytest.raises(services.ReviewRefused):
        services.review_score([None, None])


def test_korean_scorecard_falls_back_to_english_for_a_missing_key(db):
    ReviewCriterion.objects.filter(key="right_macro", language="ko").delete()
    cards = selectors.scorecard("ko")
    assert [c.key for c in cards] == [
        "correct_answer",
        "tone",
        "no_secrets_asked",
        "identity_verified",
        "resolved",
        "right_macro",
    ]
    assert cards[0].label == "정확하고 완전한 답변"
    assert cards[-1].language == "en"


def test_inactive_criteria_leave_the_scorecard(db):
    ReviewCriterion.objects.filter(key="tone").update(active=False)
    assert "tone" not in [c.key for c in selectors.scorecard("ja")]


def test_review_stores_score_and_marks(lead, agent, customer):
    ticket = solved_ticket(customer, agent)
    cards = criteria()
    review = services.quality_review_create(
        reviewer=lead,
        agent=agent,
        ticket=ticket,
        language="en",
        marks=marks_for(cards, [2, 2, 2, 1, None, 0]),
        comment="Good tone",
    )
    assert review.score == Decimal("70.0")
    assert review.scores.filter(mark__isnull=True).count() == 1


def test_second_review_of_the_same_ticket_by_the_same_reviewer_is_refused(lead, agent, customer):
    ticket = solved_ticket(customer, agent)
    cards = criteria()
    marks = marks_for(cards, [2] * 6)
    services.quality_review_create(
        reviewer=lead, agent=agent, ticket=ticket, language="en", marks=marks, comment=""
    )
    with pytest.raises(services.ReviewRefused, match="already reviewed"):
        services.quality_review_create(
            reviewer=lead, agent=agent, ticket=ticket, language="en", marks=marks, comment=""
        )
    assert QualityReview.objects.count() == 1


def test_nobody_reviews_their_own_work(lead, customer):
    ticket = solved_ticket(customer, lead)
    with pytest.raises(services.ReviewRefused, match="own work"):
        services.quality_review_create(
            reviewer=lead,
            agent=lead,
            ticket=ticket,
            language="en",
            marks=marks_for(criteria(), [2] * 6),
            comment="",
        )


def test_random_sample_holds_only_the_supervisors_agents_unreviewed(
    lead, other_lead, agent, teammate, customer
):
    mine = solved_ticket(customer, agent, subject="mine")
    theirs = solved_ticket(customer, teammate, subject="teammate")
    stranger = Team.objects.get(slug="vip").agents.get().user
    solved_ticket(customer, stranger, subject="other team")
    solved_ticket(customer, agent, subject="too old", days_ago=40)
    reviewed = solved_ticket(customer, agent, subject="reviewed")
    services.quality_review_create(
        reviewer=lead,
        agent=agent,
        ticket=reviewed,
        language="en",
        marks=marks_for(criteria(), [2] * 6),
        comment="",
    )
    chat = ended_chat(customer, agent)
    rows = selectors.sample(lead, days=30, order="random")
    assert {row.get("ticket") for row in rows if "ticket" in row} == {
        mine.reference,
        theirs.reference,
    }
    assert [row["conversation_id"] for row in rows if "conversation_id" in row] == [chat.pk]


def test_low_csat_first_orders_survey_then_ticket_score_then_chats(lead, agent, customer):
    happy = solved_ticket(customer, agent, csat=5, subject="happy")
    unrated = solved_ticket(customer, agent, subject="unrated")
    surveyed = solved_ticket(customer, agent, csat=4, subject="survey says 1")
    invitation = SurveyInvitation.objects.create(
        ticket=surveyed,
        customer=customer,
        email=customer.email,
        channel="web",
        language="en",
        send_at=timezone.now(),
    )
    SurveyAnswer.objects.create(
        invitation=invitation, ticket=surveyed, channel="web", language="en", score=1
    )
    cross = ended_chat(customer, agent, rating=2)
    rows = selectors.sample(lead, days=30, order="low_csat")
    order = [row.get("ticket") or row.get("conversation_id") for row in rows]
    assert order == [surveyed.reference, cross.pk, happy.reference, unrated.reference]


def test_agent_cannot_open_sampling_or_the_dashboard(client, agent):
    client.force_login(agent)
    assert client.get(reverse("reviews:sample")).status_code == 403
    assert client.get(reverse("reviews:dashboard")).status_code == 403


def test_outsider_supervisor_cannot_review_or_read_another_teams_work(
    client, lead, other_lead, agent, customer
):
    ticket = solved_ticket(customer, agent)
    review = services.quality_review_create(
        reviewer=lead,
        agent=agent,
        ticket=ticket,
        language="en",
        marks=marks_for(criteria(), [2] * 6),
        comment="",
    )
    client.force_login(other_lead)
    assert client.get(reverse("reviews:ticket", args=[ticket.reference])).status_code == 404
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    page = client.get(reverse("reviews:dashboard"))
    assert agent.email not in page.content.decode()
    sampled = selectors.sample(other_lead, days=30, order="random")
    assert all(row["agent"] != agent.pk for row in sampled)
    assert QualityReview.objects.count() == 1


def test_agent_sees_only_their_own_reviews(client, lead, agent, teammate, customer):
    review = services.quality_review_create(
        reviewer=lead,
        agent=teammate,
        ticket=solved_ticket(customer, teammate),
        language="en",
        marks=marks_for(criteria(), [2] * 6),
        comment="Secret to others",
    )
    client.force_login(agent)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    assert "Secret to others" not in client.get(reverse("reviews:mine")).content.decode()
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"reply": "Me too"})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.agent_reply == ""


def test_supervisor_reviews_through_the_form_and_the_agent_replies_once(
    client, lead, agent, customer
):
    ticket = solved_ticket(customer, agent, language="ko")
    cards = criteria("ko")
    client.force_login(lead)
    form = client.get(reverse("reviews:ticket", args=[ticket.reference]))
    assert "정확하고 완전한 답변" in form.content.decode()
    data = {"language": "ko", "comment": "잘했어요"}
    for card, mark in zip(cards, ["2", "2", "2", "2", "1", "na"], strict=True):
        data[f"mark_{card.pk}"] = mark
    response = client.post(reverse("reviews:ticket", args=[ticket.reference]), data)
    review = QualityReview.objects.get()
    assert response.status_code == 302
    assert review.score == Decimal("90.0")

    client.force_login(agent)
    mine = client.get(reverse("reviews:mine")).content.decode()
    assert "90.0 %" in mine and "잘했어요" in mine
    url = reverse("reviews:reply", args=[review.pk])
    assert client.post(url, {"reply": "Thanks"}).status_code == 302
    again = client.post(url, {"reply": "Changed my mind"})
    assert again.status_code == 400
    assert "already replied" in again.content.decode()
    review.refresh_from_db()
    assert review.agent_reply == "Thanks"

    client.force_login(lead)
    assert "Thanks" in client.get(reverse("reviews:detail", args=[review.pk])).content.decode()


def test_a_chat_is_reviewed_through_its_review_form(client, lead, agent, customer):
    chat = ended_chat(customer, agent, rating=1, language="ja")
    client.force_login(lead)
    url = reverse("reviews:chat", args=[chat.pk])
    page = client.get(url).content.decode()
    assert "正確で漏れのない回答" in page and f"?chat={chat.pk}" in page
    data = {"language": "ja", "comment": ""}
    for card in criteria("ja"):
        data[f"mark_{card.pk}"] = "0"
    assert client.post(url, data).status_code == 302
    assert QualityReview.objects.get().conversation_id == chat.pk


def test_a_missing_mark_is_a_form_error_not_a_review(client, lead, agent, customer):
    ticket = solved_ticket(customer, agent)
    client.force_login(lead)
    response = client.post(
        reverse("reviews:ticket", args=[ticket.reference]), {"language": "en", "comment": "x"}
    )
    assert response.status_code == 400
    assert "Choose a mark for this criterion." in response.content.decode()
    assert not QualityReview.objects.exists()


def test_a_bad_mark_or_period_is_a_400(client, lead, agent, customer):
    ticket = solved_ticket(customer, agent)
    card = criteria()[0]
    client.force_login(lead)
    response = client.post(
        reverse("reviews:ticket", args=[ticket.reference]),
        {"language": "en", f"mark_{card.pk}": "7"},
    )
    assert response.status_code == 400
    assert client.get(reverse("reviews:dashboard"), {"days": "abc"}).status_code == 400
    assert client.get(reverse("reviews:sample"), {"order": "worst"}).status_code == 400


def test_training_needed_lists_criteria_met_under_70_percent(lead, agent, teammate, customer):
    """Hand-computed: agent's tone met 1 of 3 (33.3 %), resolved 2 of 3 (66.7 %), correct
    answer 3 of 3; teammate everything met but right_macro 0 of 1."""
    cards = {c.key: c for c in criteria()}

    def review(who, values):
        services.quality_review_create(
            reviewer=lead,
            agent=who,
            ticket=solved_ticket(customer, who),
            language="en",
            marks={cards[key].pk: (mark, "") for key, mark in values.items()},
            comment="",
        )

    review(agent, {"correct_answer": 2, "tone": 2, "resolved": 2})
    review(agent, {"correct_answer": 2, "tone": 1, "resolved": 0})
    review(agent, {"correct_answer": 2, "tone": 0, "resolved": 2, "right_macro": None})
    review(teammate, {"correct_answer": 2, "right_macro": 0})
    result = figures.review_dashboard(
        selectors.reviewable_agent_ids(lead), timezone.now() - timedelta(days=30), "en"
    )
    training = [(row["name"], row["key"], row["met"]) for row in result["training"]]
    assert training == [
        ("agent@example.com", "tone", 33.3),
        ("agent@example.com", "resolved", 66.7),
        ("teammate@example.com", "right_macro", 0.0),
    ]
    by_agent = {row["name"]: row["average"] for row in result["by_agent"]}
    # agent: 100, 50, 66.7 → 72.2; teammate: 50
    assert by_agent == {"agent@example.com": 72.2, "teammate@example.com": 50.0}
    average = selectors.review_average(
        [agent.pk], timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)
    )
    assert average == {agent.pk: 72.2}


def test_criterion_edited_in_the_admin_changes_the_next_scorecard(
    client, admin_user, lead, agent, customer
):
    tone = ReviewCriterion.objects.get(key="tone", language="en")
    client.force_login(admin_user)
    changelist = reverse("admin:tickets_reviewcriterion_changelist")
    rows = list(ReviewCriterion.objects.order_by("order", "key", "language"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = str(row.pk)
        data[f"form-{index}-label"] = "Friendly and clear" if row.pk == tone.pk else row.label
        data[f"form-{index}-order"] = str(row.order)
        if not (row.key == "right_macro" and row.language == "en"):
            data[f"form-{index}-active"] = "on"
    response = client.post(changelist, data)
    assert response.status_code == 302
    ticket = solved_ticket(customer, agent)
    client.force_login(lead)
    page = client.get(reverse("reviews:ticket", args=[ticket.reference])).content.decode()
    assert "Friendly and clear" in page
    assert "Used the right macro or article" not in page


def test_unknown_or_open_work_is_a_404(client, lead, agent, customer):
    open_ticket = solved_ticket(customer, agent)
    Ticket.objects.filter(pk=open_ticket.pk).update(status=Ticket.Status.OPEN)
    client.force_login(lead)
    assert client.get(reverse("reviews:ticket", args=["T-999999"])).status_code == 404
    assert client.get(reverse("reviews:ticket", args=[open_ticket.reference])).status_code == 404
    assert client.get(reverse("reviews:chat", args=[987654])).status_code == 404
    assert client.get(reverse("reviews:detail", args=[987654])).status_code == 404
