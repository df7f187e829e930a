"""The relationship survey (NPS): a sample of customers active in the last 90 days, asked at
most once a quarter, sent by the survey sweep, answered once on its page (0–10 and why)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from support.models import OutboxEmail
from support.roles import Role
from tests.conftest import make_person
from tests.tickets.survey_helpers import LINK_RE
from tickets.models import Ticket
from tickets.survey_models import NpsAnswer, NpsInvitation, SurveyState
from tickets.surveys.nps import nps_sample, quarter_of
from tickets.surveys.sweep import survey_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(customer, policy, receive):
    """The owner has a ticket this week; a second customer's only ticket is 100 days old."""
    receive()
    dormant = make_person("dormant@example.com", Role.CUSTOMER, preferred_language="ja")
    old = receive(customer_email=dormant.email, subject="Old", text="An old question.")
    Ticket.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=100))
    return customer


def nps_link(invitation: NpsInvitation) -> str:
    email = OutboxEmail.objects.get(dedupe_key=f"nps:{invitation.pk}:invite")
    return LINK_RE.search(email.body_text).group(0)


def test_only_customers_active_in_the_last_90_days_are_sampled(active):
    assert nps_sample(now=timezone.now(), size=10) == 1
    invitation = NpsInvitation.objects.get()
    assert (invitation.customer, invitation.language) == (active, "ko")
    assert invitation.quarter == quarter_of(timezone.now())


def test_a_customer_is_asked_at_most_once_a_quarter(active):
    now = timezone.now()
    nps_sample(now=now, size=10)
    assert nps_sample(now=now + timedelta(days=1), size=10) == 0
    assert NpsInvitation.objects.count() == 1


def test_the_sample_is_at_most_its_size(active, receive):
    for n in range(3):
        person = make_person(f"c{n}@example.com", Role.CUSTOMER, preferred_language="en")
        receive(customer_email=person.email, subject=f"Q{n}", text="A question about fees.")
    assert nps_sample(now=timezone.now(), size=2) == 2


def test_the_quarter_is_named_by_year_and_quarter():
    moment = timezone.now().replace(year=2026, month=11, day=3)
    assert quarter_of(moment) == "2026Q4"


def test_the_sweep_sends_the_nps_email_once_and_the_answer_is_stored_once(active, client):
    now = timezone.now()
    call_command("nps_sample", size=5, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert survey_sweep(now=now + timedelta(seconds=1)) == 1
    assert survey_sweep(now=now + timedelta(seconds=2)) == 0
    invitation = NpsInvitation.objects.get()
    assert invitation.state == SurveyState.SENT
    path = nps_link(invitation)
    assert path.startswith("/ko/survey/nps/")
    page = client.post(path, {"score": "9", "reason": "Fast answers."})
    assert page.status_code == 200
    again = client.post(path, {"score": "0"})
    assert (again.status_code, again.context["reason"]) == (410, "used")
    answer = NpsAnswer.objects.get()
    assert (answer.score, answer.reason, answer.language) == (9, "Fast answers.", "ko")


@pytest.mark.parametrize("score", ["11", "-1", "ten"])
def test_an_nps_score_out_of_range_is_a_400(active, client, score):
    nps_sample(now=timezone.now(), size=5)
    survey_sweep(now=timezone.now() + timedelta(seconds=1))
    path = nps_link(NpsInvitation.objects.get()).replace("/ko/", "/en/")
    page = client.post(path, {"score": score})
    assert page.status_code == 400
    assert page.context["form"].errors["score"] == ["Choose a score from 0 to 10."]
    assert not NpsAnswer.objects.exists()


def test_an_unanswered_nps_survey_expires_after_14_days(active):
    now = timezone.now()
    nps_sample(now=now, size=5)
    survey_sweep(now=now + timedelta(seconds=1))
    survey_sweep(now=now + timedelta(days=14, minutes=1))
    invitation = NpsInvitation.objects.get()
    assert (invitation.state, invitation.next_at) == (SurveyState.EXPIRED, None)
