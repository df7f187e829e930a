"""The complaint's one transitions table, move by move, through the services.

Every allowed move is made by the service a person would use and leaves exactly one stage
event naming who moved it, from where, to where and why; every other move is refused with
InvalidStage (AppealAlreadyOpen for a second appeal) and leaves the complaint as it was.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction

from complaints import services, workflow
from complaints.errors import AppealAlreadyOpen, InvalidStage
from complaints.models import Complaint, ComplaintEvent, Stage
from support.models import OutboxEmail
from tests.complaints.drive import bring_to

ALLOWED = [(old, new) for old, targets in Complaint.TRANSITIONS.items() for new in sorted(targets)]
REFUSED = [
    (old, new)
    for old in Stage.values
    for new in Stage.values
    if new not in Complaint.TRANSITIONS[old]
]


@dataclass
class People:
    customer: object
    officer: object
    reviewer: object


@pytest.fixture
def people(customer, officer, reviewer) -> People:
    return People(customer, officer, reviewer)


def _acknowledge(c, p):
    services.complaint_acknowledge(complaint=c, by=p.officer)
    return p.officer, ""


def _investigate(c, p):
    services.complaint_investigate(complaint=c, by=p.officer)
    return p.officer, ""


def _request(c, p):
    services.complaint_request_information(complaint=c, by=p.officer, text="Your statement?")
    return p.officer, ""


def _decide(c, p):
    services.complaint_decide(complaint=c, by=p.officer, outcome="upheld", reason="Held wrongly.")
    return p.officer, "Held wrongly."


def _withdraw(c, p):
    services.complaint_withdraw(complaint=c, customer=p.customer, reason="Paid out meanwhile.")
    return p.customer, "Paid out meanwhile."


def _reply(c, p):
    services.complaint_customer_reply(complaint=c, customer=p.customer, text="Statement sent.")
    return p.customer, ""


def _accept(c, p):
    services.complaint_accept(complaint=c, customer=p.customer)
    return p.customer, "Decision accepted"


def _appeal(c, p):
    services.appeal_submit(complaint=c, customer=p.customer, grounds="No order existed.")
    return p.customer, ""


def _take(c, p):
    services.appeal_take(complaint=c, by=p.reviewer)
    return p.reviewer, ""


def _final(c, p):
    services.appeal_decide(complaint=c, by=p.reviewer, outcome="overturned", reason="No order.")
    return p.reviewer, "No order."


def _final_closes(c, p):
    services.appeal_decide(complaint=c, by=p.reviewer, outcome="overturned", reason="No order.")
    return p.reviewer, ""


# The service that makes each allowed move; the final decision closes in the same call.
MOVES = {
    (Stage.SUBMITTED, Stage.ACKNOWLEDGED): _acknowledge,
    (Stage.SUBMITTED, Stage.CLOSED): _withdraw,
    (Stage.ACKNOWLEDGED, Stage.INVESTIGATING): _investigate,
    (Stage.ACKNOWLEDGED, Stage.WAITING_ON_CUSTOMER): _request,
    (Stage.ACKNOWLEDGED, Stage.DECIDED): _decide,
    (Stage.ACKNOWLEDGED, Stage.CLOSED): _withdraw,
    (Stage.INVESTIGATING, Stage.WAITING_ON_CUSTOMER): _request,
    (Stage.INVESTIGATING, Stage.DECIDED): _decide,
    (Stage.INVESTIGATING, Stage.CLOSED): _withdraw,
    (Stage.WAITING_ON_CUSTOMER, Stage.INVESTIGATING): _reply,
    (Stage.WAITING_ON_CUSTOMER, Stage.CLOSED): _withdraw,
    (Stage.DECIDED, Stage.APPEALED): _appeal,
    (Stage.DECIDED, Stage.CLOSED): _accept,
    (Stage.APPEALED, Stage.UNDER_APPEAL_REVIEW): _take,
    (Stage.UNDER_APPEAL_REVIEW, Stage.FINAL_DECISION): _final,
    (Stage.FINAL_DECISION, Stage.CLOSED): _final_closes,
}
# Where a complaint rests before each move (the final decision is reached inside the call).
STARTS = {(Stage.FINAL_DECISION, Stage.CLOSED): Stage.UNDER_APPEAL_REVIEW}


def test_every_allowed_move_has_a_service():
    assert sorted(MOVES) == sorted(ALLOWED)


def _stage_events(complaint: Complaint, old: str, new: str):
    return ComplaintEvent.objects.filter(
        complaint=complaint, kind=ComplaintEvent.Kind.STAGE, from_stage=old, to_stage=new
    )


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_an_allowed_move_writes_one_event_with_who_from_to_and_why(
    old, new, people, file_complaint
):
    complaint = bring_to(
        file_complaint(),
        STARTS.get((old, new), old),
        officer=people.officer,
        reviewer=people.reviewer,
    )
    version = complaint.version

    actor, reason = MOVES[(old, new)](complaint, people)

    complaint.refresh_from_db()
    assert complaint.stage in (new, Stage.CLOSED)
    assert complaint.version > version
    [event] = _stage_events(complaint, old, new)
    assert event.actor == actor
    assert event.reason == reason
    assert event.public is True


def test_asking_for_information_right_after_the_acknowledgement_is_one_move(
    file_complaint, officer
):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    before = ComplaintEvent.objects.filter(complaint=complaint, kind="stage").count()

    services.complaint_request_information(complaint=complaint, by=officer, text="Statement?")

    assert ComplaintEvent.objects.filter(complaint=complaint, kind="stage").count() == before + 1
    assert _stage_events(complaint, Stage.ACKNOWLEDGED, Stage.WAITING_ON_CUSTOMER).count() == 1


def _refused_acknowledge(c, p):
    services.complaint_acknowledge(complaint=c, by=p.officer)


def _refused_investigate(c, p):
    services.complaint_investigate(complaint=c, by=p.officer)


def _refused_request(c, p):
    services.complaint_request_information(complaint=c, by=p.officer, text="Statement?")


def _refused_decide(c, p):
    services.complaint_decide(complaint=c, by=p.officer, outcome="rejected", reason="Late.")


def _refused_appeal(c, p):
    services.appeal_submit(complaint=c, customer=p.customer, grounds="Again.")


def _refused_take(c, p):
    services.appeal_take(complaint=c, by=p.reviewer)


def _refused_final(c, p):
    services.appeal_decide(complaint=c, by=p.reviewer, outcome="upheld", reason="As before.")


def _refused_close(c, p):
    services.complaint_withdraw(complaint=c, customer=p.customer)


def _refused_by_the_table(new):
    """No service moves a complaint back to submitted, nor to a stage it is already in when the
    service means something else there (a reviewer is reassigned, an appeal decided at once):
    the one function that applies the table refuses the move itself."""

    def move(c, p):
        with transaction.atomic():
            locked = workflow.lock(c)
            workflow.save(locked, workflow.move(locked, new, by=p.officer))

    return move


REFUSERS = {
    Stage.ACKNOWLEDGED: _refused_acknowledge,
    Stage.INVESTIGATING: _refused_investigate,
    Stage.WAITING_ON_CUSTOMER: _refused_request,
    Stage.DECIDED: _refused_decide,
    Stage.APPEALED: _refused_appeal,
    Stage.UNDER_APPEAL_REVIEW: _refused_take,
    Stage.FINAL_DECISION: _refused_final,
    Stage.CLOSED: _refused_close,
}
TABLE_ONLY = {
    (Stage.UNDER_APPEAL_REVIEW, Stage.UNDER_APPEAL_REVIEW),
    (Stage.APPEALED, Stage.FINAL_DECISION),
}


def _refuser(old, new):
    if new == Stage.SUBMITTED or (old, new) in TABLE_ONLY:
        return _refused_by_the_table(new)
    return REFUSERS[new]


def _state(complaint: Complaint) -> tuple:
    complaint.refresh_from_db()
    return (
        complaint.stage,
        complaint.version,
        complaint.officer_id,
        complaint.events.count(),
        complaint.messages.count(),
        OutboxEmail.objects.count(),
        sorted(complaint.deadlines.values_list("target", "due_at", "next_at", "met_at")),
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_a_refused_move_raises_and_changes_nothing(old, new, people, file_complaint):
    complaint = bring_to(file_complaint(), old, officer=people.officer, reviewer=people.reviewer)
    before = _state(complaint)
    has_appeal = old in (Stage.APPEALED, Stage.UNDER_APPEAL_REVIEW, Stage.FINAL_DECISION)
    refusal = AppealAlreadyOpen if new == Stage.APPEALED and has_appeal else InvalidStage

    with pytest.raises(refusal):
        _refuser(old, new)(complaint, people)

    assert _state(complaint) == before
