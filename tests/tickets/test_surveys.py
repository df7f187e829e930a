"""Satisfaction surveys: scheduled on solve, per channel, not for chats, merges, spam or a
customer surveyed lately; cancelled on reopening; sent, reminded once and expired by the sweep,
each email once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support.models import OutboxEmail
from tests.tickets.survey_helpers import later, solve, survey_emails, sweep_at
from tickets.links import ticket_merge
from tickets.models import Status, Ticket
from tickets.services import ticket_set_tags, ticket_transition
from tickets.survey_models import SurveyInvitation, SurveyPolicy, SurveyState
from tickets.surveys.sweep import _email

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(customer, agent, team, routing, policy, receive) -> Ticket:
    ticket = receive()
    Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=agent)  # routing's work
    return Ticket.objects.get(pk=ticket.pk)


def test_solving_schedules_the_survey_two_hours_later_by_default(ticket, agent, team):
    solve(ticket, agent)
    ticket.refresh_from_db()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.state == SurveyState.SCHEDULED
    assert invitation.send_at == ticket.solved_at + timedelta(minutes=120)
    assert invitation.next_at == invitation.send_at
    assert (invitation.email, invitation.language) == ("owner@example.com", "ko")
    assert (invitation.agent, invitation.team) == (agent, team)


def test_a_channel_with_its_own_policy_uses_its_delay(customer, agent, routing, policy, receive):
    SurveyPolicy.objects.create(channel="email", delay_minutes=30)
    ticket = receive(channel="email", external_id="<a@example.com>")
    solve(ticket, agent)
    ticket.refresh_from_db()
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert invitation.send_at == ticket.solved_at + timedelta(minutes=30)


def test_a_chat_ticket_gets_no_survey(ticket, agent):
    Ticket.objects.filter(pk=ticket.pk).update(channel="chat")
    solve(Ticket.objects.get(pk=ticket.pk), agent)
    assert not SurveyInvitation.objects.exists()


def test_a_ticket_tagged_spam_gets_no_survey(ticket, agent):
    ticket_set_tags(ticket=ticket, tags=["spam"], by=agent)
    solve(ticket, agent)
    assert not SurveyInvitation.objects.exists()


def test_a_ticket_merged_as_duplicate_gets_no_survey(ticket, agent, receive):
    other = receive(subject="Same withdrawal", text="Still pending, second request.")
    ticket_merge(ticket=other, into=ticket, by=agent)
    assert not SurveyInvitation.objects.filter(ticket=other).exists()


def test_a_disabled_policy_sends_no_survey(ticket, agent):
    SurveyPolicy.objects.filter(channel="").update(enabled=False)
    solve(ticket, agent)
    assert not SurveyInvitation.objects.exists()


def test_a_customer_surveyed_within_the_quiet_days_is_not_asked_again(ticket, agent, receive):
    solve(ticket, agent)
    assert sweep_at(later(hours=3)) == 1
    second = receive(subject="Another question", text="How do I change my phone number?")
    solve(second, agent)
    assert not SurveyInvitation.objects.filter(ticket=second).exists()


def test_two_surveys_due_together_send_only_one(ticket, agent, receive):
    """The fatigue rule again at sending: two tickets solved the same hour, one email."""
    second = receive(subject="Another question", text="How do I change my phone number?")
    solve(ticket, agent)
    solve(second, agent)
    assert sweep_at(later(hours=3)) == 2
    states = sorted(SurveyInvitation.objects.values_list("state", "cancel_reason"))
    assert states == [("cancelled", "recently surveyed"), ("sent", "")]
    assert OutboxEmail.objects.filter(dedupe_key__startswith="survey:").count() == 1


def test_reopening_cancels_the_pending_survey(ticket, agent):
    solve(ticket, agent)
    ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert (invitation.state, invitation.cancel_reason) == ("cancelled", "reopened")
    assert invitation.next_at is None
    assert sweep_at(later(days=30)) == 0
    assert not survey_emails(invitation)


def test_a_reply_from_the_customer_reopens_and_cancels_the_sent_survey(ticket, agent, receive):
    solve(ticket, agent)
    sweep_at(later(hours=3))
    receive(text="Not fixed after all, still pending.", reference_hint=ticket.reference)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert SurveyInvitation.objects.get(ticket=ticket).state == SurveyState.CANCELLED


def test_solved_again_after_a_reopening_the_survey_is_scheduled_afresh(ticket, agent):
    solve(ticket, agent)
    ticket_transition(ticket=ticket, to=Status.OPEN, by=agent)
    solve(ticket, agent)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    assert (invitation.state, invitation.cancel_reason) == ("scheduled", "")
    assert invitation.next_at == invitation.send_at


def test_the_sweep_sends_nothing_before_the_delay(ticket, agent):
    solve(ticket, agent)
    assert sweep_at(later(minutes=110)) == 0
    assert not OutboxEmail.objects.filter(dedupe_key__startswith="survey:").exists()


def test_the_survey_is_sent_in_the_customers_language_with_a_link_valid_14_days(ticket, agent):
    solve(ticket, agent)
    moment = later(hours=3)
    sweep_at(moment)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    (email,) = survey_emails(invitation)
    assert (email.to, email.language) == ("owner@example.com", "ko")
    assert "/ko/survey/" in email.body_text and "/ko/survey/" in email.body_html
    assert invitation.state == SurveyState.SENT
    assert invitation.expires_at == moment + timedelta(days=14)
    assert invitation.remind_at == moment + timedelta(hours=48)
    assert invitation.next_at == invitation.remind_at
    assert len(invitation.token_hash) == 64 and invitation.token_hash not in email.body_text


def test_one_reminder_with_the_same_link_then_expiry(ticket, agent):
    solve(ticket, agent)
    sent = later(hours=3)
    sweep_at(sent)
    sweep_at(sent + timedelta(hours=47))
    assert len(survey_emails(SurveyInvitation.objects.get())) == 1
    sweep_at(sent + timedelta(hours=49))
    sweep_at(sent + timedelta(hours=60))
    invitation = SurveyInvitation.objects.get()
    first, reminder = survey_emails(invitation)
    assert reminder.dedupe_key.endswith(":reminder")
    assert first.body_text.split("\n\n")[2] == reminder.body_text.split("\n\n")[2]  # the link
    assert (invitation.state, invitation.next_at) == ("reminded", invitation.expires_at)
    sweep_at(sent + timedelta(days=14, minutes=1))
    invitation.refresh_from_db()
    assert (invitation.state, invitation.next_at) == ("expired", None)
    assert len(survey_emails(invitation)) == 2


def test_the_sweep_run_twice_sends_each_email_once(ticket, agent):
    solve(ticket, agent)
    moment = later(hours=3)
    assert sweep_at(moment) == 1
    assert sweep_at(moment) == 0
    assert len(survey_emails(SurveyInvitation.objects.get())) == 1


def test_the_outbox_refuses_a_second_email_for_the_same_step(ticket, agent):
    solve(ticket, agent)
    sweep_at(later(hours=3))
    invitation = SurveyInvitation.objects.get()
    _email(invitation, "another-token", step="invite", template="survey")
    assert len(survey_emails(invitation)) == 1


def test_a_ticket_tagged_spam_after_solving_is_not_surveyed(ticket, agent):
    solve(ticket, agent)
    ticket_set_tags(ticket=Ticket.objects.get(pk=ticket.pk), tags=["spam"], by=agent)
    sweep_at(later(hours=3))
    invitation = SurveyInvitation.objects.get()
    assert (invitation.state, invitation.cancel_reason) == ("cancelled", "spam")
    assert not survey_emails(invitation)


def test_nothing_due_is_one_indexed_query_per_survey_table(ticket, agent):
    solve(ticket, agent)
    with CaptureQueriesContext(connection) as queries:
        assert sweep_at(later(minutes=1)) == 0
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 2
    assert all('"next_at" <=' in sql for sql in selects)
