"""The survey page: answered once, in the customer's language; a used, expired, cancelled or
unknown link is a clear page and stores nothing; bad input is a 400; a low score or an angry
comment opens a follow-up for the team's lead, who marks it done in the console."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from support.models import OutboxEmail, Team
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.survey_helpers import sent_survey
from tickets.models import Status, Ticket
from tickets.services import ticket_transition
from tickets.survey_models import SurveyAnswer, SurveyFollowUp, SurveyState

pytestmark = pytest.mark.django_db
ANGRY = "This was terrible, the worst support ever. I am furious and nobody helped me."


@pytest.fixture
def lead(team):
    person = make_person("lead@example.com", Role.SUPERVISOR, languages=["en"])
    team.supervisor = person
    team.save(update_fields=["supervisor"])
    return person


@pytest.fixture
def surveyed(customer, agent, team, routing, policy, receive):
    """A solved ticket whose survey link the customer holds: (ticket, invitation, path)."""
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=agent)  # routing's work
    invitation, path = sent_survey(Ticket.objects.get(pk=ticket.pk), agent)
    return Ticket.objects.get(pk=ticket.pk), invitation, path


def test_the_page_is_in_the_customers_language_with_accessible_radios(client, surveyed):
    _ticket, _invitation, path = surveyed
    page = client.get(path.replace("/ko/", "/en/"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="ko">' in html
    assert "<fieldset" in html and "<legend>" in html
    assert html.count('type="radio" name="score"') == 5


def test_an_answer_is_stored_once_and_rates_the_ticket(client, surveyed, agent, team):
    ticket, invitation, path = surveyed
    page = client.post(path, {"score": "4", "solved": "yes", "comment": "Quick and kind."})
    assert page.status_code == 200
    answer = SurveyAnswer.objects.get()
    assert (answer.score, answer.solved, answer.comment) == (4, True, "Quick and kind.")
    assert (answer.ticket, answer.agent, answer.team, answer.language) == (
        ticket,
        agent,
        team,
        "ko",
    )
    assert not answer.negative
    ticket.refresh_from_db()
    assert ticket.satisfaction_score == 4
    invitation.refresh_from_db()
    assert (invitation.state, invitation.next_at) == (SurveyState.ANSWERED, None)
    assert not SurveyFollowUp.objects.exists()


def test_a_reused_link_says_so_and_stores_no_second_answer(client, surveyed):
    _ticket, _invitation, path = surveyed
    client.post(path, {"score": "5"})
    again = client.post(path, {"score": "1", "comment": ANGRY})
    assert again.status_code == 410
    assert again.context["reason"] == "used"
    assert '<html lang="ko">' in again.content.decode()
    assert list(SurveyAnswer.objects.values_list("score", flat=True)) == [5]
    assert client.get(path).status_code == 410


def test_an_expired_link_says_so(client, surveyed):
    _ticket, invitation, path = surveyed
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        page = client.post(path, {"score": "5"})
    assert (page.status_code, page.context["reason"]) == (410, "expired")
    assert not SurveyAnswer.objects.exists()


def test_a_tampered_link_is_not_valid(client, surveyed):
    _ticket, _invitation, path = surveyed
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    page = client.post(tampered, {"score": "5"})
    assert (page.status_code, page.context["reason"]) == (404, "unknown")
    with translation.override(tampered.split("/")[1]):  # the link's language: the customer's
        assert gettext("This survey link is not valid") in page.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_the_link_of_a_reopened_ticket_is_closed(client, surveyed, agent):
    ticket, _invitation, path = surveyed
    ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    page = client.post(path, {"score": "5"})
    assert (page.status_code, page.context["reason"]) == (410, "closed")
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "9", "five", ""])
def test_a_score_out_of_range_is_a_400_with_the_forms_message(client, surveyed, score):
    _ticket, invitation, path = surveyed
    page = client.post(path.replace("/ko/", "/en/"), {"score": score})
    assert page.status_code == 400
    assert page.context["form"].errors["score"] == ["Choose a score from 1 to 5."]
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.state == SurveyState.SENT


def test_a_secret_in_the_comment_is_never_stored(client, surveyed):
    from tests.tickets.leaks import phrase

    _ticket, _invitation, path = surveyed
    words = phrase()
    client.post(path, {"score": "3", "comment": f"My recovery words: {words}"})
    comment = SurveyAnswer.objects.get().comment
    assert words not in comment and words.split()[5] not in comment.split()


def test_a_low_score_opens_a_follow_up_for_the_team_lead_and_emails_them(client, surveyed, lead):
    _ticket, invitation, path = surveyed
    client.post(path, {"score": "2", "solved": "no"})
    follow_up = SurveyFollowUp.objects.get()
    assert (follow_up.assignee, follow_up.reason) == (lead, "low score")
    email = OutboxEmail.objects.get(dedupe_key=f"survey:{invitation.pk}:follow-up")
    assert (email.to, email.language) == ("lead@example.com", "en")
    assert "/console/surveys/follow-ups/" in email.body_text


def test_a_negative_comment_with_a_good_score_opens_a_follow_up(client, surveyed, lead):
    _ticket, _invitation, path = surveyed
    client.post(path, {"score": "4", "comment": ANGRY})
    assert SurveyAnswer.objects.get().negative
    assert SurveyFollowUp.objects.get().reason == "negative comment"


def test_a_team_without_a_supervisor_leaves_the_follow_up_unassigned(client, surveyed):
    _ticket, _invitation, path = surveyed
    client.post(path, {"score": "1"})
    assert SurveyFollowUp.objects.get().assignee is None
    assert not OutboxEmail.objects.filter(dedupe_key__endswith=":follow-up").exists()


def test_answers_are_throttled_per_client(client, surveyed, settings):
    settings.THROTTLE_SURVEY_ANSWER = "2/hour"
    _ticket, _invitation, path = surveyed
    for _ in range(2):
        client.post(path, {"score": "9"})
    page = client.post(path, {"score": "5"})
    assert page.status_code == 429 and page["Retry-After"]
    assert not SurveyAnswer.objects.exists()


def test_the_lead_sees_the_follow_up_and_marks_it_done(client, surveyed, lead):
    ticket, _invitation, path = surveyed
    client.post(path, {"score": "1", "comment": "Nobody read my message."})
    client.force_login(lead)
    listing = client.get("/console/surveys/follow-ups/")
    assert listing.status_code == 200
    assert ticket.reference in listing.content.decode()
    follow_up = SurveyFollowUp.objects.get()
    done = client.post(
        f"/console/surveys/follow-ups/{follow_up.pk}/done/", {"note": "Called, refunded fee."}
    )
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.done_by, follow_up.note) == (lead, "Called, refunded fee.")
    assert follow_up.done_at is not None


def test_another_teams_supervisor_sees_nothing_and_cannot_close_it(client, surveyed, lead):
    ticket, _invitation, path = surveyed
    client.post(path, {"score": "1"})
    other = make_person("other-lead@example.com", Role.SUPERVISOR, languages=["en"])
    Team.objects.create(slug="vip", name="VIP", supervisor=other)
    client.force_login(other)
    assert ticket.reference not in client.get("/console/surveys/follow-ups/").content.decode()
    follow_up = SurveyFollowUp.objects.get()
    page = client.post(f"/console/surveys/follow-ups/{follow_up.pk}/done/", {"note": "x"})
    assert page.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_an_agent_may_not_open_the_follow_ups(client, surveyed, agent):
    client.force_login(agent)
    assert client.get("/console/surveys/follow-ups/").status_code == 403


def test_knowing_the_ticket_is_not_enough_only_the_link_opens_the_survey(client, surveyed):
    ticket, _invitation, _path = surveyed
    page = client.post(f"/en/survey/{ticket.reference}/", {"score": "5"})
    assert (page.status_code, page.context["reason"]) == (404, "unknown")
    assert not SurveyAnswer.objects.exists()
